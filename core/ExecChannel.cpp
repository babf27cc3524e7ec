#include "ExecChannel.h"

#include "RemoteCommand.h"
#include "ShellQuote.h"

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

} // namespace myst
