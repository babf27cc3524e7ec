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
    qint64 sentBytes = 0;   // bytes sent by this attempt (a dropped channel's blocks twice)
    int channels = 0;       // data channels used at most at once
    int droppedChannels = 0;
    double roundTripMs = -1; // as measured on the control channel
};

struct UploadOptions
{
    int channels = 0;        // data channels; 0: chosen from the measured round trip (ChannelPlan)
    int maxChannels = 8;     // with channels 0
    int initialChannels = 0; // with channels 0: to start with; 0: chosen from the round trip
    // The unit of resume and of work between channels; 0: what one channel moves in half a
    // second at its window-bound rate (window / round trip), 4 to 32 MiB: big blocks cost the
    // host fewer dd starts, small ones leave less for one channel alone at the end.
    qint64 blockBytes = 0;
    bool hashWhileReceiving = true; // the host hashes as blocks complete, not at the end
    int stallSeconds = 120;         // no progress for this long: ended as a drop
};

// Uploads a file to <remoteDirectory>/<its name>, as <name>.part until complete, over one SSH
// session: a control channel (state, round trip, checksum, rename) and one or more data
// channels that write blocks at their offsets (UploadChannels.h), bounded by the SSH windows,
// not by a round trip per chunk as libssh 0.10's sftp_write is. The host records each complete
// block, so a second attempt sends only the blocks it lacks. The sha256 is computed here on a
// thread of its own and on the host as the blocks complete; only when they match is the file
// renamed, otherwise the partial file is removed. Free disk is checked first. Blocking: call
// on the connection's worker thread.
UploadResult uploadFile(SshConnection& connection, const QString& localPath,
                        const QString& remoteDirectory,
                        const std::function<void(qint64 done, qint64 total)>& progress,
                        const std::atomic<bool>* cancel, const UploadOptions& options = {});

} // namespace myst
