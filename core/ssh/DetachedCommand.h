#pragma once

#include "core/ssh/LineSplitter.h"
#include "core/ssh/LineTail.h"
#include "core/ssh/RemoteCommand.h"

#include <QDateTime>
#include <QStringList>

namespace myst {

// A step's command as it lives on the host, and how much of its output the wizard has seen.
// It outlives connections: after a drop the same state reattaches where it left off.
struct DetachedStep
{
    QString directory;          // on the host: <MyST home>/.myst-upgrade/runs/<run id>
    QString name;               // file stem there: "04-stop" → 04-stop.out, .err, .pid, .status
    qint64 offsets[2] = {0, 0}; // bytes of .out and .err already delivered
    LineSplitter splitters[2];  // a line cut by a drop is completed after reattaching
    LineTail stdoutTail;        // the last lines delivered on stdout, for parsers
    QString backupLine;         // the last "Backed up to …" line, wherever it came
    QString lastStderrLine;     // what a failed step's message quotes
    qint64 firstStartedMs = -1; // the step's timeout counts from its first launch
};

// Runs a command detached from the SSH session, in its own session on the host (setsid, stdin
// from /dev/null, output to files), and follows its output by byte offset. The step does not
// depend on the wizard staying connected: when the connection drops, run() returns with
// SshError::Lost and the step goes on; run() again on a new connection with the same
// DetachedStep resumes from the last offsets (no line lost, none twice), and a step that
// finished meanwhile is read from its status file. Launching is idempotent: if the host has
// the step's .pid file, it is followed, never started twice.
//
// Cancel and timeout send "cancel" to the follower, which TERMs the step's process group and
// KILLs it 2 s later. Blocking: call on the connection's worker thread.
class DetachedCommand
{
public:
    using LineHandler = RemoteCommand::LineHandler;

    DetachedCommand(SshConnection& connection, DetachedStep& step, QString commandLine);

    void setLineHandler(LineHandler handler) { m_handler = std::move(handler); }
    void setTimeoutMs(qint64 ms) { m_timeoutMs = ms; } // 0: none; counted from the first launch
    void setCancelFlag(const std::atomic<bool>* flag) { m_cancel = flag; }

    CommandResult run();

private:
    void deliver(int stream, const QString& line);

    SshConnection& m_connection;
    DetachedStep& m_step;
    QString m_commandLine;
    LineHandler m_handler;
    qint64 m_timeoutMs = 0;
    const std::atomic<bool>* m_cancel = nullptr;
    QString m_status; // from the follower's last line: a number, or "lost"
    QString m_nonce;  // this run()'s: the status line must carry it
};

// The command that waits, on the host, for the steps of an interrupted run (its folder under
// .myst-upgrade/runs) to end, and stops one that has run longer than limitSeconds. Only a
// process that still is the step's (same boot, same start time, a file of ours) is signalled.
QString waitForInterruptedStepsCommand(const QString& stepFolder, int limitSeconds);

} // namespace myst
