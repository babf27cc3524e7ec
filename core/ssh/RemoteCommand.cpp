#include "core/ssh/RemoteCommand.h"

#include "core/base/AppLog.h"
#include "core/base/ShellQuote.h"
#include "core/ssh/ExecChannel.h"
#include "core/ssh/LineSplitter.h"
#include "core/ssh/LineTail.h"
#include "core/ssh/OutputFrame.h"

#include <QElapsedTimer>
#include <QRegularExpression>

#include <libssh/callbacks.h>

namespace myst {

namespace {
// Preamble marker: the first stderr line "\x1emyst-pid <pid>" is ours, never shown.
const QString PidMarker = QStringLiteral("\x1emyst-pid ");
constexpr int PollMs = 50;

// Runs the command ($1) in the background with stdin from /dev/null and waits for it. A
// watcher reads the channel's stdin: the line "cancel" makes it TERM the whole process group
// (sshd made this shell a session leader, so the group is everything the step started), then
// KILL it 2 s later. EOF alone (a dropped connection) kills nothing. A command killed by a
// signal is re-raised so sshd reports the signal, not 128+n.
// (An asynchronous list gets /dev/null as stdin unless redirected, hence fd 3.)
const char* const Wrapper = R"SH(printf '\036myst-begin\n'; printf '\036myst-begin\n' >&2
printf '\036myst-pid %s\n' "$$" >&2
exec 3<&0
sh -c "$1" </dev/null 3<&- &
child=$!
{ trap '' TERM
  while read -r line; do
    if [ "$line" = cancel ]; then
      kill -s TERM -- "-$$" 2>/dev/null; sleep 2; kill -s KILL -- "-$$" 2>/dev/null; exit
    fi
  done; } <&3 >/dev/null 2>&1 &
exec 3<&-
watcher=$!
wait "$child"; status=$?
kill -KILL "$watcher" 2>/dev/null
if [ "$status" -gt 128 ] && [ "$status" -lt 160 ]; then
  trap - "$((status - 128))" 2>/dev/null; kill -s "$(kill -l "$status")" "$$"
fi
exit "$status")SH";
} // namespace

QString CommandResult::describe() const
{
    if (!started) {
        return errorMessage.isEmpty() ? QStringLiteral("not started") : errorMessage;
    }
    if (error != SshError::None) {
        return errorMessage;
    }
    if (timedOut) {
        return QStringLiteral("timed out");
    }
    if (cancelled) {
        return QStringLiteral("cancelled");
    }
    if (!exitSignal.isEmpty()) {
        return QStringLiteral("killed by signal %1").arg(exitSignal);
    }
    return QStringLiteral("exit status %1").arg(exitStatus);
}

RemoteCommand::RemoteCommand(SshConnection& connection, QString commandLine)
    : m_connection(connection), m_commandLine(std::move(commandLine))
{
}

void RemoteCommand::deliver(OutputStream stream, const QString& line)
{
    if (stream == OutputStream::Stderr && !m_pidSeen && line.startsWith(PidMarker)) {
        m_pidSeen = true;
        m_remotePid = line.mid(PidMarker.size()).trimmed();
        return;
    }
    if (m_handler) {
        m_handler(stream, line);
    }
}

void RemoteCommand::onExitSignal(ssh_session, ssh_channel, const char* signal, int, const char*,
                                 const char*, void* userdata)
{
    static_cast<RemoteCommand*>(userdata)->m_exitSignal = QString::fromLatin1(signal);
}

void RemoteCommand::killRemote(ssh_channel channel, const char* signal)
{
    ssh_channel_request_send_signal(channel, signal);
    static const QRegularExpression digits(QStringLiteral("^[0-9]+$"));
    if (!digits.match(m_remotePid).hasMatch()) {
        return;
    }
    // The command is its session's leader (sshd calls setsid()), so "-PID" is its whole group.
    const QString kill =
        shellCommand({QStringLiteral("kill"), QStringLiteral("-s"), QString::fromLatin1(signal),
                      QStringLiteral("--"), QLatin1Char('-') + m_remotePid});
    ssh_channel killer = ssh_channel_new(m_connection.session());
    if (killer && ssh_channel_open_session(killer) == SSH_OK &&
        ssh_channel_request_exec(killer, kill.toUtf8().constData()) == SSH_OK) {
        ssh_channel_get_exit_status(killer);
        ssh_channel_close(killer);
    }
    if (killer) {
        ssh_channel_free(killer);
    }
}

CommandResult RemoteCommand::run()
{
    CommandResult result;
    ssh_session session = m_connection.session();
    if (!m_connection.isConnected()) {
        result.error = SshError::Lost;
        result.errorMessage =
            QStringLiteral("Not connected to %1").arg(m_connection.endpoint().id());
        return result;
    }
    ssh_channel channel = ssh_channel_new(session);
    if (!channel || ssh_channel_open_session(channel) != SSH_OK) {
        result.error = ssh_is_connected(session) ? SshError::Channel : SshError::Lost;
        result.errorMessage = QStringLiteral("Cannot open a channel on %1: %2")
                                  .arg(m_connection.endpoint().id(), m_connection.lastError());
        if (channel) {
            ssh_channel_free(channel);
        }
        return result;
    }
    ssh_channel_callbacks_struct callbacks{};
    callbacks.userdata = this;
    callbacks.channel_exit_signal_function = &RemoteCommand::onExitSignal;
    ssh_callbacks_init(&callbacks);
    ssh_set_channel_callbacks(channel, &callbacks);

    // `exec sh` keeps the session leader's PID and makes the wrapper independent of the
    // user's login shell (bash, dash, even csh).
    const QString wrapped = QStringLiteral("exec sh -c ") +
                            shellQuote(QString::fromLatin1(Wrapper)) +
                            QStringLiteral(" myst-step ") + shellQuote(m_commandLine);
    if (ssh_channel_request_exec(channel, wrapped.toUtf8().constData()) != SSH_OK) {
        result.error = SshError::Channel;
        result.errorMessage =
            QStringLiteral("Cannot start the command: %1").arg(m_connection.lastError());
        ssh_channel_free(channel);
        return result;
    }
    result.started = true;

    LineSplitter splitters[2];
    const LineSplitter::Sink sinks[2] = {
        [this](const QString& l) { deliver(OutputStream::Stdout, l); },
        [this](const QString& l) { deliver(OutputStream::Stderr, l); }};
    QElapsedTimer clock;
    clock.start();
    qint64 stopRequestedAt = -1;
    bool killed = false; // the last-resort KILL over a second channel was sent
    const auto lost = [&] {
        result.error = SshError::Lost;
        result.errorMessage = QStringLiteral("Connection to %1 lost: %2")
                                  .arg(m_connection.endpoint().id(), m_connection.lastError());
    };
    OutputFrame frames[2]; // a login banner before the wrapper's first line is not ours
    const auto onBytes = [&](int stream, const char* bytes, int n) {
        const QByteArray ours = frames[stream].feed(bytes, n);
        if (!ours.isEmpty())
            splitters[stream].feed(ours.constData(), int(ours.size()), sinks[stream]);
    };

    for (;;) {
        const ChannelRead read = readChannelOnce(channel, onBytes);
        if (read == ChannelRead::Failed) {
            lost();
            break;
        }
        if (read == ChannelRead::Data) {
            continue;
        }
        if (read == ChannelRead::Ended) {
            break;
        }
        // Stopping: "cancel" to the wrapper's watcher (instant, works on every sshd), the SSH
        // signal request too (OpenSSH refuses it without privilege separation), then, as a last
        // resort, KILL of the process group over a second channel, then giving control back.
        const qint64 now = clock.elapsed();
        if (stopRequestedAt < 0) {
            const bool timeUp = m_timeoutMs > 0 && now > m_timeoutMs;
            if (timeUp || cancelRequested()) {
                result.timedOut = timeUp;
                result.cancelled = !timeUp;
                stopRequestedAt = now;
                ssh_channel_write(channel, "cancel\n", 7);
                ssh_channel_request_send_signal(channel, "TERM");
            }
        } else if (!killed && now - stopRequestedAt > m_killGraceMs + 2500) {
            killed = true;
            killRemote(channel, "KILL");
        } else if (killed && now - stopRequestedAt > m_killGraceMs + 5000) {
            break; // the remote side does not close; give the caller back control
        }
        m_connection.keepAliveIfDue(); // a quiet step must not look idle to a NAT
        if (ssh_channel_poll_timeout(channel, PollMs, 0) == SSH_ERROR) {
            lost();
            break;
        }
    }
    for (int stream = 0; stream < 2; ++stream) {
        splitters[stream].finish(sinks[stream]);
    }
    if (result.error == SshError::None &&
        (ssh_channel_is_eof(channel) || ssh_channel_is_closed(channel))) {
        result.exitStatus = ssh_channel_get_exit_status(channel); // waits for exit-status/close
    }
    result.exitSignal = m_exitSignal;
    ssh_remove_channel_callbacks(channel, &callbacks);
    if (ssh_is_connected(session)) {
        ssh_channel_close(channel);
    }
    ssh_channel_free(channel);
    return result;
}

CapturedOutput runCaptured(SshConnection& connection, const QString& commandLine, qint64 timeoutMs)
{
    CapturedOutput out;
    // A query's answer is short; a host that floods one cannot fill memory.
    LineTail tails[2] = {LineTail(200000, 16 << 20), LineTail(200000, 16 << 20)};
    RemoteCommand command(connection, commandLine);
    command.setTimeoutMs(timeoutMs);
    command.setLineHandler([&tails](OutputStream stream, const QString& line) {
        tails[stream == OutputStream::Stdout ? 0 : 1].append(line);
    });
    out.result = command.run();
    out.stdoutLines = tails[0].lines();
    out.stderrLines = tails[1].lines();
    return out;
}

} // namespace myst
