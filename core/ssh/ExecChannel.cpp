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

namespace {
// libssh's open and exec return SSH_AGAIN instead of waiting while the session is non-blocking;
// the session is blocking again at once for everything else.
class NonBlocking
{
public:
    explicit NonBlocking(ssh_session session) : m_session(session), m_was(ssh_is_blocking(session))
    {
        ssh_set_blocking(m_session, 0);
    }
    ~NonBlocking() { ssh_set_blocking(m_session, m_was); }

private:
    ssh_session m_session;
    int m_was;
};
} // namespace

ExecChannelOpening::ExecChannelOpening(SshConnection& connection, const QString& commandLine)
    : m_session(connection.session()), m_channel(ssh_channel_new(m_session)),
      m_command(commandLine.toUtf8())
{
}

ExecChannelOpening::~ExecChannelOpening()
{
    // Closing a channel the host has not confirmed would name a channel number it has not
    // given yet: wait for the answer (at most a round trip; at once when the session is gone).
    if (m_channel && !m_opened && ssh_channel_open_session(m_channel.get()) != SSH_OK)
        ssh_channel_free(m_channel.release());
}

ExecChannelOpening::State ExecChannelOpening::advance()
{
    if (!m_channel)
        return State::Failed;
    NonBlocking nonBlocking(m_session);
    int rc = SSH_OK;
    if (!m_opened) {
        rc = ssh_channel_open_session(m_channel.get());
        m_opened = rc == SSH_OK;
    }
    if (m_opened)
        rc = ssh_channel_request_exec(m_channel.get(), m_command.constData());
    if (rc == SSH_AGAIN)
        return State::Pending;
    if (rc != SSH_OK) {
        if (!m_opened) // never confirmed: nothing to close on the host
            ssh_channel_free(m_channel.release());
        return State::Failed;
    }
    return State::Open;
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
