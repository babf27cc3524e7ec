#pragma once

#include "core/ssh/HostSession.h"

#include <QString>

namespace myst {

// A database backup on a host as it is now (size, modification time, SHA-256, hashed on the
// host: the file never travels for it), and whether it is still the file a run recorded. A dump
// changed after the upgrade (an INSERT appended) must never be restored as if it were the
// backup: every restore compares first.
namespace BackupCheck {

struct Found
{
    bool ok = false; // read: size, time and hash
    qint64 size = -1;
    qint64 mtime = 0;  // seconds since the epoch
    QString sha256;    // 64 lowercase hex digits
    QString error;     // why not, in the host's words where it said something
    bool lost = false; // the connection dropped while hashing
};

// stat and sha256sum (or openssl) of `path` on the host; a hash of a large dump takes a while.
Found describe(HostSession& session, const QString& path, qint64 timeoutMs = 3600000);

// The shell commands that print "<size> <mtime> <sha256>" for "$1", for a script that checks
// more in the same login.
const char* describeScript();

// Reads "<size> <mtime> <sha256>" (the last line of `lines`).
Found parse(const QStringList& lines);

// Empty when `found` is the recorded file; else the message that stops the step, naming the
// path and both values. A value that was not recorded (-1, empty) is not compared.
QString mismatch(const QString& path, qint64 recordedSize, const QString& recordedSha256,
                 const Found& found);

} // namespace BackupCheck

} // namespace myst
