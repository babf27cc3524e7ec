#pragma once

#include "core/ssh/OutputFrame.h"

#include <QByteArray>
#include <QStringList>

#include <libssh/libssh.h>

#include <atomic>

namespace myst {

// The lines a host script writes on one exec channel's stdout, behind its FrameMarker (a login
// banner before it is dropped). stderr is read too: libssh reports end of file only once both
// are read, and its last words explain a failure. pump() never waits, so several channels of
// one session can be served from one thread; next() waits for a line.
class ChannelLines
{
public:
    explicit ChannelLines(ssh_channel channel, const std::atomic<bool>* cancel = nullptr)
        : m_channel(channel), m_cancel(cancel)
    {
    }

    // Reads what has arrived, without waiting. False when the channel ended or failed.
    bool pump();
    // A complete line split on spaces, if one is there.
    bool takeLine(QStringList* words);
    // The next line; empty when the channel ended, failed, was cancelled or timed out.
    QStringList next(int timeoutMs);
    // What the host said on stderr last, for a message when the protocol broke down.
    QString errors();

private:
    void drainStderr();

    ssh_channel m_channel;
    const std::atomic<bool>* m_cancel;
    QByteArray m_stderr;
    OutputFrame m_frame;
    QByteArray m_pending;
};

} // namespace myst
