#include "app/cli/RunPlan.h"

#include "app/cli/ExitCode.h"
#include "core/base/ShellQuote.h"
#include "core/journal/RunNames.h"
#include "core/session/FailedStep.h"

namespace myst {

namespace {

int exitCodeOf(const RunResult& result)
{
    if (result.ok) {
        return ExitOk;
    }
    return result.connectionError != SshError::None ? exitCodeFor(result.connectionError)
                                                    : int(ExitStepFailed);
}

} // namespace

void tellWaysOn(CliOutput& output, const Plan& plan, const Journal& run)
{
    const FailureChoices can = FailedStep::choices(run, plan);
    if (can.index < 0)
        return;
    const QString resume = QStringLiteral("myst-upgrade resume --site %1 --run %2 %3 --yes")
                               .arg(shellQuote(run.sitePath), run.runId);
    output.warning(QStringLiteral("Step %1 \"%2\" on %3 failed. Ways on:")
                       .arg(can.index + 1)
                       .arg(run.steps.at(can.index).title, run.steps.at(can.index).role));
    output.wayOn(DecisionKind::Retry,
                 can.retry.safe ? resume.arg(QStringLiteral("--retry")) : QString(),
                 can.retry.reason);
    output.wayOn(DecisionKind::Accept,
                 can.judgement.isEmpty() ? QString() : resume.arg(QStringLiteral("--accept")),
                 can.judgement.isEmpty() ? QStringLiteral("the failure is a fact, not a judgement")
                                         : QStringLiteral("accepts: ") + can.judgement.first());
    if (run.kind != RunKind::Rollback)
        output.wayOn(QStringLiteral("rollback"),
                     QStringLiteral("myst-upgrade rollback --site %1 --run %2 --yes")
                         .arg(shellQuote(run.sitePath), run.runId),
                     QStringLiteral("restores the recorded image and backup"));
    output.wayOn(DecisionKind::Leave, QStringLiteral("(nothing to run)"),
                 QStringLiteral("the hosts stay as the message above says"));
}

void runPlan(CommandContext& context, const Plan& plan, Journal journal, Runner::Mode mode,
             bool retryRestarted)
{
    CliOutput& output = context.output();
    auto* runner = new Runner(context.site(), plan, journal, &context, mode);
    // The operator confirmed (--yes or at the prompt); a failed non-production verify still
    // stops the run before production, as every failed step does.
    runner->setAutoApproveGates(true);
    // A manual blue/green switch is a change made by hand: --yes does not say it was made.
    runner->setManualChangeDone(context.flag(QStringLiteral("switched")));
    runner->setRetryRestarted(retryRestarted);
    for (auto it = context.auth().begin(); it != context.auth().end(); ++it) {
        runner->setAuth(it.key(), it.value());
    }
    const int stepCount = plan.steps.size();
    output.message(QStringLiteral("Run %1: %2 (%3), journal %4")
                       .arg(journal.runId, plan.kind, plan.approach, journal.filePath()));
    QObject::connect(runner, &Runner::stepStarted, &context,
                     [&output, stepCount](int index, const StepRecord& step) {
                         output.stepStarted(index, stepCount, step);
                     });
    QObject::connect(runner, &Runner::output, &context,
                     [&output](int index, OutputStream stream, const QString& line) {
                         output.stepOutput(index, stream, line);
                     });
    QObject::connect(runner, &Runner::captured, &context,
                     [&output](const QString& role, const QString& key, const QString& value) {
                         output.captured(role, key, value);
                     });
    QObject::connect(runner, &Runner::uploadProgress, &context,
                     [&output](int index, const QString& role, const TransferProgress& progress) {
                         output.uploadProgress(index, role, progress);
                     });
    QObject::connect(
        runner, &Runner::stepFinished, &context,
        [&output](int index, const StepRecord& step) { output.stepFinished(index, step); });
    QObject::connect(runner, &Runner::finished, &context,
                     [&context, &output, plan](const RunResult& result) {
                         const int exitCode = exitCodeOf(result);
                         output.runFinished(result, exitCode);
                         // Also under --json: whoever watches the script sees stderr.
                         if (!result.ok) {
                             output.warning(result.message);
                             tellWaysOn(output, plan, result.journal);
                         }
                         context.finish(exitCode);
                     });
    runner->start();
}

} // namespace myst
