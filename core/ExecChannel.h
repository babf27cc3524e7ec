#pragma once

#include "SshConnection.h"

#include <QString>

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

// sha256sum of a file on the host, in hex; empty when it cannot be read.
QString remoteSha256(SshConnection& connection, const QString& path, qint64 timeoutMs);

} // namespace myst
