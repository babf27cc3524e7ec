#pragma once

#include "core/journal/Journal.h"
#include "core/plan/Plan.h"
#include "core/run/HostConnections.h"

namespace myst {

// What a run's end says and puts right, from its plan and journal: the message a successful
// run ends with, the advice after a failure (how to roll back, quoted to paste), and the one
// place that puts the previous myst-studio tag back after a run that failed before the
// service changed.
namespace RunOutcome {

QString success(const Plan& plan, const Journal& journal);
QString interrupted(const Step& failed, const QString& what, const Plan& plan,
                    const Journal& journal);
// How a run that did not succeed stopped: its step failed, the operator cancelled it while
// the step ran, or between two steps (the step named never started).
enum class Cancel
{
    No,
    InStep,
    BeforeStep
};
QString failed(const Step& failed, const QString& what, Cancel cancelled, const Plan& plan,
               const Journal& journal, HostConnections& hosts);
// " prod was not changed." when the run stopped before a phased gate.
QString untouchedAfterGate(int failedIndex, const Plan& plan);

} // namespace RunOutcome

} // namespace myst
