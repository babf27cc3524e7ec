#pragma once

#include "core/ssh/SshConnection.h"

#include <QString>

#include <atomic>
#include <functional>

namespace myst {

struct CopyResult
{
    bool ok = false;
    QString message;
    QString sha256; // of the bytes that went through this machine
    qint64 bytes = 0;
};

// Copies a file from one host to another through this machine, streamed (64 KiB at a time,
// never the whole file in memory): `cat` on the source, `cat > DEST.part` on the target. The
// sha256 is computed while streaming and compared with `sha256sum` on both hosts; only then is
// DEST.part renamed to DEST. On any failure the partial file is removed. Blocking: call on the
// worker thread that owns both connections. Paths must already be validated.
CopyResult copyBetweenHosts(SshConnection& source, const QString& sourcePath, SshConnection& target,
                            const QString& targetPath,
                            const std::function<void(qint64 done, qint64 total)>& progress,
                            const std::atomic<bool>* cancel);

} // namespace myst
