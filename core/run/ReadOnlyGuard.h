#pragma once

#include "core/journal/Journal.h"
#include "core/plan/Plan.h"
#include "core/run/HostConnections.h"

#include <functional>

namespace myst {

// Blue/green: the active instance's read-only mode is always turned off again: when a step
// after read-only-on fails, the run is cancelled, or (read from the journal by a resume) the
// laptop died in between. The plan's read-only-off step is then run out of turn and marked
// done, so that the run never leaves the service refusing writes.
namespace ReadOnlyGuard {

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
