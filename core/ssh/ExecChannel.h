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
