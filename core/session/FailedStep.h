#pragma once

#include "core/journal/Journal.h"
#include "core/plan/Plan.h"
#include "core/run/steps/StepRetry.h"

namespace myst {

// The ways on from a failed step (guided failure, as Octopus Deploy and Rundeck offer it):
// run it again where that is safe, accept a failure that is a judgement, roll back, or leave
// the hosts as they are. Both fronts ask here what is offered, and record here what the
// operator chose, in the journal, as the operator's decision with who and when.
struct FailureChoices
{
    int index = -1; // the failed step; -1: the run has no failed step to decide on
    RetrySafety retry;
    QStringList judgement; // not empty: Accept and continue is offered, about these lines
};

namespace FailedStep {

FailureChoices choices(const Journal& run, const Plan& plan);

// Prepares a failed run for `Runner::Mode::Resume` from its failed step: that attempt is kept
// in the step's attempts, the next one gets a log (and a detached command on the host) of its
// own. False, with *error, when the run has no failed step or the step is not safe to repeat.
bool prepareRetry(Journal& run, const Plan& plan, QString* error);
// Marks the failed step accepted, so that a resume goes on after it. False, with *error, when
// its failure is not a judgement.
bool prepareAccept(Journal& run, QString* error);
// The run ends here; `hostsNow` says what state each host was left in.
void recordLeave(Journal& run, const QString& hostsNow);

} // namespace FailedStep

} // namespace myst
