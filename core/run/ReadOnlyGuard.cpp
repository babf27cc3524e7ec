#include "core/run/ReadOnlyGuard.h"

#include "core/base/ShellQuote.h"
#include "core/journal/RunNames.h"
#include "core/plan/PlanResume.h"

namespace myst::ReadOnlyGuard {

int pendingOff(const Plan& plan, const Journal& journal)
{
    bool on = false;
    for (int i = 0; i < plan.steps.size() && i < journal.steps.size(); ++i) {
        const Step& step = plan.steps.at(i);
        if (step.kind != StepKind::ReadOnly)
            continue;
        const StepStatus status = journal.steps.at(i).status;
        if (step.startsOutage)
            on = on || (status != StepStatus::Pending && status != StepStatus::Skipped) ||
                 journal.steps.at(i).started.isValid();
        else if (step.endsOutage && on)
            return status == StepStatus::Succeeded ? -1 : i;
    }
    return -1;
}

Result turnOff(HostConnections& hosts, const Plan& plan, Journal& journal, int offIndex,
               const std::function<void(const QString&)>& log)
{
    const Step& step = plan.steps.at(offIndex);
    const QString command = hostCommandLine(step.argv);
    Result result;
    SshStatus status;
    HostSession* host = hosts.get(step.role, &status);
    CapturedOutput out;
    if (host)
        out = host->capture(command, 60000);
    const QString said = out.stdoutLines.isEmpty() ? QString() : out.stdoutLines.last().trimmed();
    if (!host || !out.result.succeeded() || said != QLatin1String("0")) {
        result.message =
            QStringLiteral("%1 MAY STILL BE READ-ONLY (writes refused): turning it off failed "
                           "(%2). Turn it off by hand on %1: %3")
                .arg(step.role,
                     !host ? status.message
                           : out.stderrLines.value(0, out.result.describe()).left(300),
                     command);
        log(result.message);
        return result;
    }
    StepRecord& record = journal.steps[offIndex];
    record.started = record.started.isValid() ? record.started : QDateTime::currentDateTimeUtc();
    record.finished = QDateTime::currentDateTimeUtc();
    record.status = StepStatus::Succeeded;
    record.exitCode = 0;
    record.message = QStringLiteral("turned off out of turn, when the run stopped");
    for (int k = 0; k < offIndex; ++k) {
        if (plan.steps.at(k).startsOutage && journal.steps.at(k).started.isValid()) {
            journal.outageMs = journal.steps.at(k).started.msecsTo(record.finished);
            break;
        }
    }
    result.ok = true;
    result.message = QStringLiteral("%1's read-only mode is off again (writes were refused for "
                                    "%2 s).")
                         .arg(step.role)
                         .arg(journal.outageMs / 1000.0, 0, 'f', 1);
    log(result.message);
    return result;
}

Result turnOffForUndoneRun(HostConnections& hosts, const QString& undoneRunId,
                           const std::function<void(const QString&)>& log)
{
    QString error;
    std::optional<Journal> undone = Journal::loadRun(undoneRunId, &error);
    if (!undone || undone->approach != Approach::ZeroDowntime || !undone->isUnfinished())
        return {true, {}};
    const std::optional<Plan> plan = resumePlan(*undone, hosts.site(), &error);
    const int off = plan ? pendingOff(*plan, *undone) : -1;
    if (off < 0)
        return {true, {}};
    Result result = turnOff(hosts, *plan, *undone, off, log);
    if (result.ok && !undone->save(&error))
        log(error);
    return result;
}

} // namespace myst::ReadOnlyGuard
