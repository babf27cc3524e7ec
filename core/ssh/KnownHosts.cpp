#include "core/ssh/KnownHosts.h"

#include "core/base/Platform.h"
#include "core/ssh/SshConnection.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace myst {

namespace {
constexpr qint64 MaxKnownHostsBytes = 16 * 1024 * 1024;
}

QByteArray knownHostsName(const QString& host, int port)
{
    return (port == 22 ? host : QStringLiteral("[%1]:%2").arg(host).arg(port)).toUtf8();
}

HostKeyCheck checkKnownHosts(const QByteArray& knownHostsText, const QByteArray& hostName,
                             ssh_key serverKey)
{
    HostKeyCheck check;
    bool known = false;
    for (const QByteArray& raw : knownHostsText.split('\n')) {
        QByteArray line = raw.trimmed();
        if (line.isEmpty() || line.startsWith('#') || line.contains('\0')) {
            continue;
        }
        // "@revoked <hosts> <key>": OpenSSH refuses that key for those hosts, even where another
        // line accepts it; so must we. "@cert-authority" lines are not host entries (libssh
        // rejects them too).
        const bool revoked = line.startsWith("@revoked ") || line.startsWith("@revoked\t");
        if (line.startsWith('@') && !revoked) {
            continue;
        }
        if (revoked) {
            line = line.mid(9).trimmed();
        }
        ssh_knownhosts_entry* entry = nullptr;
        if (ssh_known_hosts_parse_line(hostName.constData(), line.constData(), &entry) != SSH_OK ||
            !entry) {
            continue; // another host, or a line libssh cannot read
        }
        const bool same = ssh_key_cmp(entry->publickey, serverKey, SSH_KEY_CMP_PUBLIC) == 0;
        if (revoked) {
            ssh_knownhosts_entry_free(entry);
            if (same) {
                return {HostKeyVerdict::Revoked, {}};
            }
            continue; // another key revoked: says nothing of this one
        }
        if (same) {
            ssh_knownhosts_entry_free(entry);
            known = true; // unless a later line revokes it
            continue;
        }
        if (check.knownFingerprint.isEmpty()) {
            check.knownFingerprint = fingerprintOf(entry->publickey);
        }
        check.verdict = HostKeyVerdict::Changed;
        ssh_knownhosts_entry_free(entry);
    }
    return known ? HostKeyCheck{HostKeyVerdict::Known, {}} : check;
}

QByteArray hashedKnownHostsName(const QByteArray& hostName)
{
    unsigned char salt[20];
    if (RAND_bytes(salt, sizeof salt) != 1)
        return {};
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha1(), salt, int(sizeof salt),
         reinterpret_cast<const unsigned char*>(hostName.constData()), size_t(hostName.size()), mac,
         &length);
    return "|1|" + QByteArray(reinterpret_cast<const char*>(salt), sizeof salt).toBase64() + '|' +
           QByteArray(reinterpret_cast<const char*>(mac), int(length)).toBase64();
}

bool addKnownHost(const QString& file, const QByteArray& hostName, ssh_key serverKey, bool hashed,
                  QString* error)
{
    char* base64 = nullptr;
    if (ssh_pki_export_pubkey_base64(serverKey, &base64) != SSH_OK) {
        *error = QStringLiteral("cannot encode the host key");
        return false;
    }
    const QByteArray name = hashed ? hashedKnownHostsName(hostName) : hostName;
    if (name.isEmpty()) {
        ssh_string_free_char(base64);
        *error = QStringLiteral("no random bytes for the hashed name");
        return false;
    }
    const QByteArray line = name + ' ' + ssh_key_type_to_char(ssh_key_type(serverKey)) + ' ' +
                            QByteArray(base64) + '\n';
    ssh_string_free_char(base64);

    const QString folder = QFileInfo(file).absolutePath();
    if (!QFileInfo::exists(folder)) {
        if (!QDir().mkpath(folder)) {
            *error = QStringLiteral("cannot create %1").arg(folder);
            return false;
        }
        platform::makePrivate(folder);
    }
    QByteArray text;
    QFile current(file);
    if (current.exists()) {
        if (!current.open(QIODevice::ReadOnly)) {
            *error = current.errorString();
            return false;
        }
        text = current.read(MaxKnownHostsBytes);
        current.close();
        if (!text.isEmpty() && !text.endsWith('\n')) {
            text += '\n';
        }
    }
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly)) {
        *error = out.errorString();
        return false;
    }
    out.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    out.write(text + line);
    if (!out.commit()) {
        *error = out.errorString();
        return false;
    }
    return true;
}

} // namespace myst
