#pragma once

#include "core/ssh/SshConnection.h"

#include <QString>

#include <atomic>
#include <functional>

namespace myst {

struct UploadResult
{
    bool ok = false;
    bool connectionLost = false; // a retry continues from the bytes the host has
    QString message;
    QString remotePath; // the finished file
    QString sha256;     // of the whole file, computed here and confirmed by the host
    qint64 size = 0;
    qint64 resumedFrom = 0; // bytes that were already on the host
    qint64 sentBytes = 0;   // bytes sent by this attempt
};

// Uploads a file to <remoteDirectory>/<its name>, as <name>.part until complete, over one exec
// channel (one login): the bytes stream into the host bounded by the SSH window, not by a
// round trip per chunk as libssh 0.10's sftp_write is. A second attempt continues from the
// size already on the host. The sha256 is computed here while reading and on the host while
// writing; only when they match is the file renamed, otherwise the partial file is removed.
// Free disk is checked first. Blocking: call on the connection's worker thread.
UploadResult uploadFile(SshConnection& connection, const QString& localPath,
                        const QString& remoteDirectory,
                        const std::function<void(qint64 done, qint64 total)>& progress,
                        const std::atomic<bool>* cancel);

} // namespace myst
