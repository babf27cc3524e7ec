#include "core/ssh/ExecChannel.h"

#include "core/base/ShellQuote.h"
#include "core/ssh/RemoteCommand.h"

namespace myst {

ExecChannel openExecChannel(SshConnection& connection, const QString& commandLine)
{
    ExecChannel channel(ssh_channel_new(connection.session()));
    if (!channel || ssh_channel_open_session(channel.get()) != SSH_OK ||
        ssh_channel_request_exec(channel.get(), commandLine.toUtf8().constData()) != SSH_OK) {
        return nullptr;
    }
    return channel;
}

QString remoteSha256(SshConnection& connection, const QString& path, qint64 timeoutMs)
{
    const CapturedOutput out =
        runCaptured(connection, shellCommand({QStringLiteral("sha256sum"), path}), timeoutMs);
    return out.result.succeeded() ? out.stdoutLines.value(0).section(QLatin1Char(' '), 0, 0)
                                  : QString();
}

ChannelRead readChannelOnce(ssh_channel channel,
                            const std::function<void(int, const char*, int)>& onBytes)
{
    static thread_local char buffer[256 * 1024];
    bool gotData = false;
    for (int stream = 0; stream < 2; ++stream) {
        const int n = ssh_channel_read_nonblocking(channel, buffer, sizeof buffer, stream);
        if (n == SSH_ERROR)
            return ChannelRead::Failed;
        if (n > 0) {
            onBytes(stream, buffer, n);
            gotData = true;
        }
    }
    if (gotData)
        return ChannelRead::Data;
    return ssh_channel_is_eof(channel) || ssh_channel_is_closed(channel) ? ChannelRead::Ended
                                                                         : ChannelRead::Nothing;
}

} // namespace myst
