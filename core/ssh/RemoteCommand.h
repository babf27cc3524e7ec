#pragma once

#include "core/ssh/SshConnection.h"

#include <QMetaType>
#include <QString>

#include <atomic>
#include <functional>

namespace myst {

enum class OutputStream
{
    Stdout,
    Stderr
};

struct CommandResult
{
    bool started = false;
    int exitStatus = -1; // -1 when the command ended by a signal or never ended
    QString exitSignal;  // "TERM", "KILL", … when the command was killed
    bool timedOut = false;
    bool cancelled = false;
    SshError error = SshError::None;
    QString errorMessage;

    bool succeeded() const
    {
        return started && exitStatus == 0 && exitSignal.isEmpty() && !timedOut && !cancelled &&
               error == SshError::None;
    }
    QString describe() const; // "exit status 3", "killed by signal TERM", "timed out", …
};

// Runs one command on an open connection and delivers stdout and stderr separately, line by
// line, while it runs. Blocking: call it on the connection's worker thread.
//
// The command line must come from shellCommand()/shellQuote(). It is run as
// `exec sh -c '<command>'` behind a one-line preamble that reports the remote process group,
// so that cancel and timeout can kill the whole group: not every sshd honours the SSH "signal"
// request, and closing a channel without a pty leaves the remote process running.
class RemoteCommand
{
public:
    using LineHandler = std::function<void(OutputStream, const QString&)>;

    RemoteCommand(SshConnection& connection, QString commandLine);

    void setLineHandler(LineHandler handler) { m_handler = std::move(handler); }
    void setTimeoutMs(qint64 ms) { m_timeoutMs = ms; } // 0: none
    void setCancelFlag(const std::atomic<bool>* flag) { m_cancel = flag; }
    // Stops the command (as cancel does) once this returns true; checked while it runs.
    void setStopWhen(std::function<bool()> condition) { m_stopWhen = std::move(condition); }
    // How long a cancelled command gets between TERM and KILL.
    void setKillGraceMs(int ms) { m_killGraceMs = ms; }

    CommandResult run();

private:
    bool cancelRequested() const
    {
        return (m_cancel && m_cancel->load()) || (m_stopWhen && m_stopWhen());
    }
    void deliver(OutputStream stream, const QString& line);
    void killRemote(ssh_channel channel, const char* signal);
    static void onExitSignal(ssh_session, ssh_channel, const char* signal, int, const char*,
                             const char*, void* userdata);

    SshConnection& m_connection;
    QString m_commandLine;
    LineHandler m_handler;
    qint64 m_timeoutMs = 0;
    int m_killGraceMs = 1000;
    const std::atomic<bool>* m_cancel = nullptr;
    std::function<bool()> m_stopWhen;
    QString m_remotePid;
    QString m_exitSignal;
    bool m_pidSeen = false;
};

// Convenience for short queries: runs a command and returns its stdout (stderr kept apart).
struct CapturedOutput
{
    CommandResult result;
    QStringList stdoutLines;
    QStringList stderrLines;
};
CapturedOutput runCaptured(SshConnection& connection, const QString& commandLine,
                           qint64 timeoutMs = 60000);

} // namespace myst

Q_DECLARE_METATYPE(myst::OutputStream)
Q_DECLARE_METATYPE(myst::CommandResult)
