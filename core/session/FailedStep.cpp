#include "core/session/FailedStep.h"
#include "core/journal/RunNames.h"

namespace myst::FailedStep {

namespace {
int failedIndex(const Journal& run)
{
    const int i = run.firstUndoneStep();
    return run.isRetryable() && i >= 0 && run.steps.at(i).status == StepStatus::Failed ? i : -1;
}

QString noFailedStep(const Journal& run)
{
    if (run.status == RunStatus::Interrupted || run.status == RunStatus::Running)
        return QStringLiteral("run %1 was interrupted, not failed: resume it to follow its step "
                              "on the host")
            .arg(run.runId);
    return QStringLiteral("run %1 has no failed step to decide on (%2)").arg(run.runId, run.status);
}
} // namespace

FailureChoices choices(const Journal& run, const Plan& plan)
{
    FailureChoices out;
    out.index = failedIndex(run);
    if (out.index < 0 || out.index >= plan.steps.size())
        return {};
    out.retry = retrySafety(plan.steps.at(out.index));
    out.judgement = run.steps.at(out.index).judgement;
    return out;
}

bool prepareRetry(Journal& run, const Plan& plan, QString* error)
{
    const FailureChoices can = choices(run, plan);
    if (can.index < 0) {
        *error = noFailedStep(run);
        return false;
    }
    StepRecord& step = run.steps[can.index];
    if (!can.retry.safe) {
        *error = QStringLiteral("step %1 \"%2\" on %3 is not run again: %4")
                     .arg(can.index + 1)
                     .arg(step.title, step.role, can.retry.reason);
        return false;
    }
    step.startAnotherAttempt();
    run.decisions << OperatorDecision::now(DecisionKind::Retry, can.index, can.retry.reason);
    return true;
}

bool prepareAccept(Journal& run, QString* error)
{
    const int i = failedIndex(run);
    if (i < 0) {
        *error = noFailedStep(run);
        return false;
    }
    StepRecord& step = run.steps[i];
    if (step.judgement.isEmpty()) {
        *error = QStringLiteral("step %1 \"%2\" on %3 failed on a fact, not a judgement, and "
                                "cannot be accepted: %4")
                     .arg(i + 1)
                     .arg(step.title, step.role, step.message);
        return false;
    }
    const OperatorDecision d =
        OperatorDecision::now(DecisionKind::Accept, i, step.judgement.join(QLatin1Char('\n')));
    step.status = StepStatus::Accepted;
    step.message += QStringLiteral(" (accepted by %1)").arg(d.by);
    run.decisions << d;
    return true;
}

void recordLeave(Journal& run, const QString& hostsNow)
{
    const int i = run.firstUndoneStep();
    run.decisions << OperatorDecision::now(DecisionKind::Leave, i, hostsNow);
}

} // namespace myst::FailedStep
