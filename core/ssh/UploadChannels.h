#pragma once

#include "core/ssh/SshConnection.h"
#include "core/ssh/UploadBlocks.h"

#include <QFile>
#include <QString>

#include <atomic>
#include <functional>

namespace myst {

// How many data channels carry the blocks. One SSH channel moves at most its window (OpenSSH
// gives 2 MiB) per round trip, so on a long link one channel cannot fill the pipe. With
// fixedChannels 0 the sender starts with initialChannels (chosen from the round trip) and
// doubles them whenever the channels it has are window-bound: their measured rate is above
// 70 % of channels x window / round trip (the window as libssh reports it for the channel, the
// round trip as measured on the control channel). On a link whose bandwidth-delay product fits
// in one window it stays at one. Channels after the first open without stopping the others.
struct ChannelPlan
{
    int fixedChannels = 0;
    int initialChannels = 1;
    int maxChannels = 8;
    double roundTripSeconds = 0.001;
    // No block confirmed and nothing written for this long: the host stopped taking data (a
    // hung disk, a dead link that TCP has not noticed); ended as a drop, a retry resumes.
    int stallSeconds = 120;
};

struct SendOutcome
{
    enum class End
    {
        Complete,
        Cancelled,
        Lost,      // the session dropped
        Short,     // the host could not write a block (disk full?)
        ReadError, // the local file
        Failed,    // no data channel could be opened on a live session, or afterOpening failed
    };
    End end = End::Complete;
    QString detail;
    qint64 sentBytes = 0; // block bytes written into channels, resent ones included
    int channelsUsed = 0; // the most at once
    int droppedChannels = 0;
};

// Sends the blocks not done yet over several exec channels of one SSH session (one login; a
// libssh session is single-threaded, so all channels are driven from this thread with writes
// no bigger than each channel's window and ssh_event polling in between). A channel that ends
// mid-way gives its unconfirmed blocks back to the others and is replaced. Blocking.
// afterOpening runs once the first channels are open, before a byte is sent (the control
// channel's reply to `begin` is read there: the channels open meanwhile); false stops.
SendOutcome sendBlocks(SshConnection& connection, QFile& file, UploadBlocks& blocks,
                       const QString& partPath, const ChannelPlan& plan,
                       const std::function<bool()>& afterOpening,
                       const std::function<void()>& onConfirmed, const std::atomic<bool>* cancel);

} // namespace myst
