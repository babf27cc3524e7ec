#pragma once

#include <QByteArray>
#include <QString>

#include <libssh/libssh.h>

namespace myst {

// How the site's known_hosts file judges a server's key. This product decides trust itself,
// from that one file, after libssh has read any ssh config: a `StrictHostKeyChecking no` or a
// `UserKnownHostsFile` in ~/.ssh/config must never make a changed key acceptable.
enum class HostKeyVerdict
{
    Known,   // an entry for this host holds exactly this key
    Changed, // entries for this host exist, none with this key (same type or another)
    Unknown, // no entry for this host
    Revoked, // an "@revoked" line for this host holds this key: refused, whatever else says
};

struct HostKeyCheck
{
    HostKeyVerdict verdict = HostKeyVerdict::Unknown;
    QString knownFingerprint; // with Changed: what the file expects, "SHA256:…"
};

// "name" for port 22, else "[name]:port", as OpenSSH writes known_hosts entries.
QByteArray knownHostsName(const QString& host, int port);

// Reads every entry for `hostName` (plain or hashed names, libssh's own line parser) in the
// text of a known_hosts file and compares them with the server's key.
HostKeyCheck checkKnownHosts(const QByteArray& knownHostsText, const QByteArray& hostName,
                             ssh_key serverKey);

// Adds "<hostName> <type> <base64>" to the file: written to a temporary file and renamed, so
// a crash leaves the old file or the new one, never half of it; the folder is created 0700
// and the file is 0600, as ssh wants them. With `hashed` (HashKnownHosts yes) the name is
// written as OpenSSH hashes it: "|1|<salt>|<HMAC-SHA1 of the name>".
bool addKnownHost(const QString& file, const QByteArray& hostName, ssh_key serverKey, bool hashed,
                  QString* error);

// "|1|base64(salt)|base64(HMAC-SHA1(salt, name))" with a fresh random salt.
QByteArray hashedKnownHostsName(const QByteArray& hostName);

} // namespace myst
