#include "core/ssh/SshConnection.h"

#include "core/base/AppLog.h"
#include "core/base/ShellQuote.h"
#include "core/ssh/InteractiveAuth.h"
#include "core/ssh/JumpChain.h"
#include "core/ssh/KnownHosts.h"
#include "core/ssh/SshAgent.h"
#include "core/ssh/SshConfig.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <memory>

namespace myst {

QString expandHome(const QString& path)
{
    if (path == QLatin1String("~") || path.startsWith(QLatin1String("~/"))) {
        return QDir::homePath() + path.mid(1);
    }
    return path;
}

QString sshErrorName(SshError error)
{
    switch (error) {
    case SshError::None:
        return QStringLiteral("ok");
    case SshError::HostKeyUnknown:
        return QStringLiteral("host key unknown");
    case SshError::HostKeyChanged:
        return QStringLiteral("host key changed");
    case SshError::Connect:
        return QStringLiteral("cannot connect");
    case SshError::Auth:
        return QStringLiteral("authentication failed");
    case SshError::Channel:
        return QStringLiteral("channel error");
    case SshError::Lost:
        return QStringLiteral("connection lost");
    }
    return {};
}

QString fingerprintOf(ssh_key key)
{
    unsigned char* hash = nullptr;
    size_t length = 0;
    if (!key || ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) != 0) {
        return {};
    }
    char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length);
    QString fingerprint = QString::fromLatin1(text); // "SHA256:…", as OpenSSH prints it
    ssh_string_free_char(text);
    ssh_clean_pubkey_hash(&hash);
    return fingerprint;
}

bool keyNeedsPassphrase(const QString& identityFile)
{
    ssh_key key = nullptr;
    const QByteArray file = expandHome(identityFile).toUtf8();
    // An empty passphrase rather than NULL: NULL would make libssh prompt on the terminal.
    const bool readable =
        ssh_pki_import_privkey_file(file.constData(), "", nullptr, nullptr, &key) == SSH_OK;
    ssh_key_free(key);
    return !readable;
}

static QStringList methodNames(int methods)
{
    QStringList names;
    if (methods & SSH_AUTH_METHOD_PUBLICKEY)
        names << QStringLiteral("publickey");
    if (methods & SSH_AUTH_METHOD_PASSWORD)
        names << QStringLiteral("password");
    if (methods & SSH_AUTH_METHOD_INTERACTIVE)
        names << QStringLiteral("keyboard-interactive");
    if (methods & SSH_AUTH_METHOD_HOSTBASED)
        names << QStringLiteral("hostbased");
    if (methods & SSH_AUTH_METHOD_GSSAPI_MIC)
        names << QStringLiteral("gssapi-with-mic");
    return names;
}

SshConnection::SshConnection(SshEndpoint endpoint)
    : m_endpoint(std::move(endpoint)), m_resolved(m_endpoint)
{
}

SshConnection::~SshConnection()
{
    disconnect();
}

void SshConnection::disconnect()
{
    if (m_session) {
        if (ssh_is_connected(m_session)) {
            ssh_disconnect(m_session);
        }
        ssh_free(m_session);
        m_session = nullptr;
    }
    m_jumps.reset(); // after the session that rode on them
    m_authenticated = false;
}

bool SshConnection::isConnected() const
{
    return m_session && m_authenticated && ssh_is_connected(m_session) &&
           !(m_jumps && m_jumps->broken());
}

void SshConnection::keepAliveIfDue()
{
    const int interval = m_endpoint.keepaliveSeconds;
    if (interval <= 0 || !isConnected())
        return;
    if (!m_sinceKeepalive.isValid() || m_sinceKeepalive.elapsed() >= interval * 1000) {
        ssh_send_keepalive(m_session);
        m_sinceKeepalive.restart();
    }
}

QString SshConnection::lastError() const
{
    return m_session ? QString::fromUtf8(ssh_get_error(m_session)) : QString();
}

SshStatus SshConnection::fail(SshError error, const QString& message)
{
    SshStatus status;
    status.error = error;
    status.message = message;
    log::ssh()->warn("{}: {}", m_endpoint.id().toStdString(), message.toStdString());
    return status;
}

SshStatus SshConnection::open(const SshAuth& auth, const QString& trustedFingerprint)
{
    m_auth = auth;
    const SshStatus hostKey = connectToHost(trustedFingerprint);
    m_auth = SshAuth();
    if (!hostKey.ok()) {
        return hostKey;
    }
    SshStatus status = authenticate(auth);
    status.fingerprint = hostKey.fingerprint;
    return status;
}

SshStatus SshConnection::connectToHost(const QString& trustedFingerprint)
{
    disconnect();
    m_session = ssh_new();
    if (!m_session) {
        return fail(SshError::Connect, QStringLiteral("libssh could not create a session"));
    }
    QStringList notes;
    m_resolved = resolveEndpoint(m_endpoint, SshConfigFiles(), &notes);
    for (const QString& note : notes)
        log::ssh()->warn("{}: {}", m_endpoint.id().toStdString(), note.toStdString());
    const QByteArray host = m_resolved.host.toUtf8();
    const QByteArray user = m_resolved.user.toUtf8();
    const QByteArray knownHosts = QDir::cleanPath(expandHome(m_resolved.knownHostsFile)).toUtf8();
    const unsigned int port = static_cast<unsigned int>(m_resolved.port);
    const long timeout = m_resolved.connectTimeoutSeconds;
    const int yes = 1;
    const bool no = false;

    // We read ~/.ssh/config ourselves (SshConfig): libssh's reading would turn ProxyJump into
    // an `ssh -W` subprocess, outside our host-key checks and keychain.
    ssh_options_set(m_session, SSH_OPTIONS_PROCESS_CONFIG, &no);
    ssh_options_set(m_session, SSH_OPTIONS_HOST, host.constData());
    ssh_options_set(m_session, SSH_OPTIONS_PORT, &port);
    if (!user.isEmpty()) {
        ssh_options_set(m_session, SSH_OPTIONS_USER, user.constData());
    }
    // Strict checking against the site's file only (a host trusted system-wide is not trusted
    // here). verifyHostKey() decides with that file itself.
    ssh_options_set(m_session, SSH_OPTIONS_STRICTHOSTKEYCHECK, &yes);
    if (!knownHosts.isEmpty()) {
        ssh_options_set(m_session, SSH_OPTIONS_KNOWNHOSTS, knownHosts.constData());
    }
    ssh_options_set(m_session, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
    ssh_options_set(m_session, SSH_OPTIONS_TIMEOUT, &timeout);
    // Without NODELAY, Nagle and delayed ACKs cap small-packet exchanges at a few MB/s.
    ssh_options_set(m_session, SSH_OPTIONS_NODELAY, &yes);
    // AES-GCM first: with AES-NI it encrypts a multi-GB image upload faster than libssh's
    // default chacha20-poly1305 (234-254 against 172-231 MB/s on loopback here); servers
    // without it fall back to the rest of the list.
    const char* ciphers = "aes128-gcm@openssh.com,aes256-gcm@openssh.com,"
                          "chacha20-poly1305@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr";
    ssh_options_set(m_session, SSH_OPTIONS_CIPHERS_C_S, ciphers);
    ssh_options_set(m_session, SSH_OPTIONS_CIPHERS_S_C, ciphers);

    platform::Socket transport = m_transportFd;
    m_transportFd = platform::NoSocket; // one session's: libssh closes it
    if (!m_resolved.jumps.empty()) {
        m_jumps = std::make_unique<JumpChain>();
        SshStatus hopStatus;
        transport = m_jumps->open(m_resolved.jumps, m_auth, trustedFingerprint, m_resolved.host,
                                  m_resolved.port, &hopStatus);
        if (transport == platform::NoSocket) {
            log::ssh()->warn("{}: {}", m_endpoint.id().toStdString(),
                             hopStatus.message.toStdString());
            disconnect();
            return hopStatus;
        }
    }
    if (transport != platform::NoSocket) {
        socket_t fd = socket_t(transport); // libssh reads a socket_t: a SOCKET on Windows
        ssh_options_set(m_session, SSH_OPTIONS_FD, &fd);
    }

    if (ssh_connect(m_session) != SSH_OK) {
        return fail(
            SshError::Connect,
            QStringLiteral("Cannot connect to %1: %2").arg(describeRoute(m_resolved), lastError()));
    }
    enableTcpKeepalive();
    return verifyHostKey(trustedFingerprint);
}

SshStatus SshConnection::verifyHostKey(const QString& trustedFingerprint)
{
    ssh_key serverKey = nullptr;
    if (ssh_get_server_publickey(m_session, &serverKey) != SSH_OK) {
        return fail(SshError::Connect, QStringLiteral("The server sent no host key"));
    }
    std::unique_ptr<ssh_key_struct, void (*)(ssh_key)> key(serverKey, &ssh_key_free);
    const QString fingerprint = fingerprintOf(serverKey);
    // The name and port actually connected to (an ssh config alias resolves to them).
    char* realHost = nullptr;
    ssh_options_get(m_session, SSH_OPTIONS_HOST, &realHost);
    const QString host = realHost ? QString::fromUtf8(realHost) : m_resolved.host;
    ssh_string_free_char(realHost);
    unsigned int realPort = 0;
    ssh_options_get_port(m_session, &realPort);
    const int port = realPort ? int(realPort) : m_resolved.port;
    const QString where = QStringLiteral("%1:%2").arg(host).arg(port);
    const QByteArray hostName = knownHostsName(host, port);
    const QString file = QDir::cleanPath(expandHome(m_resolved.knownHostsFile));

    QByteArray text;
    QFile known(file);
    if (known.exists() && !known.open(QIODevice::ReadOnly)) {
        SshStatus status = fail(
            SshError::Connect, QStringLiteral("Cannot read %1: %2").arg(file, known.errorString()));
        disconnect();
        return status;
    }
    if (known.isOpen()) {
        text = known.read(16 * 1024 * 1024);
    }
    const HostKeyCheck check = checkKnownHosts(text, hostName, serverKey);

    SshStatus status;
    status.hostId = m_endpoint.id();
    switch (check.verdict) {
    case HostKeyVerdict::Known:
        status.fingerprint = fingerprint;
        return status;
    case HostKeyVerdict::Changed:
        status = fail(SshError::HostKeyChanged,
                      QStringLiteral("The host key of %1 has CHANGED: %2 expects %3 but the "
                                     "server offers %4. This can mean the host was reinstalled, "
                                     "or that someone is intercepting the connection. Nothing "
                                     "was run and %2 was not changed. If the change is expected, "
                                     "remove the old key with: ssh-keygen -R %5 -f %6")
                          .arg(where, file, check.knownFingerprint, fingerprint,
                               shellQuote(QString::fromUtf8(hostName)), shellQuote(file)));
        status.fingerprint = fingerprint;
        status.knownFingerprint = check.knownFingerprint;
        status.hostId = m_endpoint.id();
        disconnect();
        return status;
    case HostKeyVerdict::Revoked:
        // As a changed key: a person must look (exit 3), nothing is run, nothing is trusted.
        status = fail(SshError::HostKeyChanged,
                      QStringLiteral("The host key of %1 (%2) is REVOKED in %3: an @revoked line "
                                     "there names it. The connection is refused and nothing was "
                                     "run. A revoked key is never trusted again; the host must "
                                     "be given a new key.")
                          .arg(where, fingerprint, file));
        status.fingerprint = fingerprint;
        status.hostId = m_endpoint.id();
        disconnect();
        return status;
    case HostKeyVerdict::Unknown:
        if (!trustedFingerprint.isEmpty() && trustedFingerprint == fingerprint) {
            QString error;
            if (!addKnownHost(file, hostName, serverKey, m_resolved.hashKnownHosts, &error)) {
                status = fail(SshError::Connect,
                              QStringLiteral("Cannot add the host key to %1: %2").arg(file, error));
                disconnect();
                return status;
            }
            log::ssh()->info("{}: trusted new host key {}", where.toStdString(),
                             fingerprint.toStdString());
            status.fingerprint = fingerprint;
            return status;
        }
        status = fail(SshError::HostKeyUnknown,
                      QStringLiteral("The host key of %1 is not known (%2 has no entry). Its "
                                     "fingerprint is %3. Compare it with the host's "
                                     "(ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) before "
                                     "trusting it.")
                          .arg(where, file, fingerprint));
        status.fingerprint = fingerprint;
        status.hostId = m_endpoint.id();
        disconnect();
        return status;
    }
    return status;
}

void SshConnection::enableTcpKeepalive()
{
    // The system notices a dead peer (laptop asleep, VPN gone) even when no data flows.
    const platform::Socket fd = platform::Socket(ssh_get_fd(m_session));
    if (fd == platform::NoSocket) {
        return;
    }
    const int idle = qMax(1, m_endpoint.keepaliveSeconds);
    platform::enableTcpKeepalive(fd, idle, qMax(1, idle / 3), 3);
}

SshStatus SshConnection::authenticate(const SshAuth& auth)
{
    if (!m_session) {
        return fail(SshError::Connect, QStringLiteral("Not connected"));
    }
    int rc = ssh_userauth_none(m_session, nullptr);
    QStringList tried;
    QStringList notes;
    bool triedKey = false, triedAgent = false, triedPassword = false, triedInteractive = false;
    int methods = 0;
    const QByteArray password = auth.password.toUtf8();
    const bool canAsk = bool(responderFor(auth));
    // Each round tries the next method the server still offers; a partial success (the server
    // wants a key AND a code) starts another round with what it asks for next.
    for (int round = 0; rc != SSH_AUTH_SUCCESS && rc != SSH_AUTH_ERROR && round < 8; ++round) {
        methods = ssh_userauth_list(m_session, nullptr);
        const QString identity = m_resolved.identityFile;
        if ((methods & SSH_AUTH_METHOD_PUBLICKEY) && !triedKey && !identity.isEmpty()) {
            triedKey = true;
            rc = authenticateWithKey(identity, auth.passphrase, &tried, &notes);
        } else if ((methods & SSH_AUTH_METHOD_PUBLICKEY) && !triedAgent && auth.useAgent &&
                   sshagent::supported() && qEnvironmentVariableIsSet("SSH_AUTH_SOCK")) {
            triedAgent = true;
            tried << QStringLiteral("ssh-agent");
            rc = sshagent::authenticate(m_session);
        } else if ((methods & SSH_AUTH_METHOD_PASSWORD) && !triedPassword && !password.isEmpty()) {
            triedPassword = true;
            tried << QStringLiteral("password");
            rc = ssh_userauth_password(m_session, nullptr, password.constData());
        } else if ((methods & SSH_AUTH_METHOD_PASSWORD) && !triedPassword && canAsk &&
                   auth.askPassword && !(methods & SSH_AUTH_METHOD_INTERACTIVE)) {
            // No password stored (a jump host's, say) and no keyboard-interactive to carry a
            // prompt: ask the operator once, as ssh would, and keep nothing.
            triedPassword = true;
            tried << QStringLiteral("password (asked)");
            QString why;
            QByteArray typed = askForPassword(m_endpoint.id(), auth, &why).toUtf8();
            rc = typed.isEmpty() ? SSH_AUTH_DENIED
                                 : ssh_userauth_password(m_session, nullptr, typed.constData());
            typed.fill('\0');
            if (!why.isEmpty())
                notes << why;
        } else if ((methods & SSH_AUTH_METHOD_INTERACTIVE) && !triedInteractive &&
                   (!password.isEmpty() || canAsk)) {
            triedInteractive = true;
            tried << QStringLiteral("keyboard-interactive");
            const InteractiveOutcome kbd =
                authenticateInteractive(m_session, m_endpoint.id(), auth);
            rc = kbd.rc;
            if (!kbd.note.isEmpty())
                notes << kbd.note;
        } else {
            break; // nothing left that we can try
        }
        if (rc == SSH_AUTH_PARTIAL)
            notes << QStringLiteral("%1 was accepted, and the server asks for more")
                         .arg(tried.last());
    }
    if (rc == SSH_AUTH_SUCCESS) {
        m_authenticated = true;
        return {};
    }
    if (rc == SSH_AUTH_ERROR) {
        return fail(SshError::Lost,
                    QStringLiteral("Connection failed during authentication: %1").arg(lastError()));
    }
    if (!sshagent::supported() && auth.useAgent && m_resolved.identityFile.isEmpty())
        notes << sshagent::whyNot();
    SshStatus status =
        fail(SshError::Auth,
             QStringLiteral("Authentication failed for %1. Tried: %2. The server offers: %3.%4")
                 .arg(m_endpoint.id(),
                      tried.isEmpty() ? QStringLiteral("nothing usable") : tried.join(", "),
                      methodNames(methods).join(", "),
                      notes.isEmpty() ? QString() : QStringLiteral(" Note: ") + notes.join("; ")));
    status.offeredMethods = methodNames(methods);
    status.hostId = m_endpoint.id();
    disconnect();
    return status;
}

int SshConnection::authenticateWithKey(const QString& identity, const QString& passphrase,
                                       QStringList* tried, QStringList* notes)
{
    const QByteArray file = expandHome(identity).toUtf8();
    const QByteArray secret = passphrase.toUtf8();
    ssh_key key = nullptr;
    // An empty passphrase rather than NULL: NULL would make libssh prompt on the terminal.
    if (ssh_pki_import_privkey_file(file.constData(), secret.constData(), nullptr, nullptr, &key) !=
        SSH_OK) {
        *notes << QStringLiteral("the key file %1 could not be read (missing, or wrong "
                                 "passphrase)")
                      .arg(QString::fromUtf8(file));
        return SSH_AUTH_DENIED;
    }
    *tried << QStringLiteral("publickey (%1)").arg(QString::fromUtf8(file));
    const int rc = ssh_userauth_publickey(m_session, nullptr, key);
    ssh_key_free(key);
    return rc;
}

} // namespace myst
