#pragma once

#include "core/journal/Journal.h"
#include "core/plan/Plan.h"
#include "core/run/HostConnections.h"

#include <QStringList>

#include <functional>

namespace myst {

// Blue/green: the active instance's read-only mode is always turned off again: when a step
// after read-only-on fails, the run is cancelled, or (read from the journal by a resume) the
// laptop died in between. The plan's read-only-off step is then run out of turn and marked
// done, so that the run never leaves the service refusing writes.
namespace ReadOnlyGuard {

// What the read-only scripts (core/host/ReadOnlyScripts.h) said, line by line.
struct WindowReport
{
    QString readOnly;          // @@global.read_only, their last line: "1", "0", or empty
    qint64 heldAt = 0;         // when the holder had the lock (epoch seconds); 0: not said
    int windowSeconds = -1;    // from the lock taken to its release, measured on the host
    qint64 expiredAt = 0;      // the holder ended the window by itself (readOnlyMaxSeconds)
    int expiredAfter = -1;     // … after this many seconds
    qint64 lostAt = 0;         // its session ended before it was told to release
    QStringList probeAccepted; // accounts whose write went through ("root", "app")
    QStringList probeRefused;  // accounts whose write was refused
    QStringList probeWords;    // each probe in a few words, for messages

    bool broken() const { return expiredAt > 0 || lostAt > 0; }
    QString probes() const { return probeWords.join(QStringLiteral("; ")); }
    // When the window ended before the run ended it, in words for the run's messages.
    QString brokenWords(const QString& active, int maxSeconds = -1) const;
};
WindowReport readWindowReport(const QStringList& stdoutLines);

// The read-only-off step still owed: read-only-on has begun (or was running when the run
// stopped) and read-only-off has not succeeded. -1: none.
int pendingOff(const Plan& plan, const Journal& journal);

struct Result
{
    bool ok = false;
    QString message; // what happened, for the run's end or the log
};
// Runs step `offIndex` (the off command) on its host now; on success marks it succeeded in the
// journal and measures the read-only window into journal.outageMs.
Result turnOff(HostConnections& hosts, const Plan& plan, Journal& journal, int offIndex,
               const std::function<void(const QString&)>& log);

// The rollback of an interrupted run (`undoneRunId`, a zero-downtime upgrade whose laptop died
// while the active instance was read-only): that run's plan is rebuilt from the site
// (resumePlan: never its journal's commands as written), its read-only-off run now, and its
// journal updated. Empty message: nothing to do.
Result turnOffForUndoneRun(HostConnections& hosts, const QString& undoneRunId,
                           const std::function<void(const QString&)>& log);

} // namespace ReadOnlyGuard

} // namespace myst
