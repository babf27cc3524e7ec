#pragma once

#include "core/ssh/SshConnection.h"

#include <QString>

#include <functional>
#include <memory>

namespace myst {

struct ExecChannelCloser
{
    void operator()(ssh_channel_struct* channel) const
    {
        if (channel) {
            ssh_channel_close(channel);
            ssh_channel_free(channel);
        }
    }
};
using ExecChannel = std::unique_ptr<ssh_channel_struct, ExecChannelCloser>;

// A raw exec channel for byte streams (uploads, host-to-host copies), where the line wrapper
// of RemoteCommand would be in the way. Null when it cannot be opened. The command line must
// come from shellQuote()/shellCommand().
ExecChannel openExecChannel(SshConnection& connection, const QString& commandLine);

// An exec channel opened without waiting for the host: each advance() sends what comes next
// (the open, then the exec) or takes the host's answer if it came, and returns at once. The
// upload's data channels open like this, so that a channel added on a 200 ms link does not stop
// the feeding of the others for the two round trips its opening takes.
class ExecChannelOpening
{
public:
    enum class State
    {
        Pending,
        Open,
        Failed
    };
    ExecChannelOpening(SshConnection& connection, const QString& commandLine);
    ~ExecChannelOpening(); // one still opening is waited for, so that it can be closed
    ExecChannelOpening(const ExecChannelOpening&) = delete;
    ExecChannelOpening& operator=(const ExecChannelOpening&) = delete;

    State advance();
    ExecChannel take() { return std::move(m_channel); } // once advance() said Open

private:
    ssh_session m_session;
    ExecChannel m_channel;
    QByteArray m_command;
    bool m_opened = false;
};

// One pass over a running command's stdout and stderr, for the follow loops of RemoteCommand
// and DetachedCommand: what is there is read without waiting and handed to onBytes (stream 0
// stdout, 1 stderr). Data: something came. Nothing: wait and try again. Ended: end of file or
// closed, nothing left. Failed: the connection is gone (takes precedence over data).
enum class ChannelRead
{
    Data,
    Nothing,
    Ended,
    Failed
};
ChannelRead
readChannelOnce(ssh_channel channel,
                const std::function<void(int stream, const char* bytes, int n)>& onBytes);

// sha256sum of a file on the host, in hex; empty when it cannot be read.
QString remoteSha256(SshConnection& connection, const QString& path, qint64 timeoutMs);

} // namespace myst
