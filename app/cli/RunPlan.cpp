#include "app/cli/RunPlan.h"

#include "app/cli/ExitCode.h"

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

void runPlan(CommandContext& context, const Plan& plan, Journal journal, Runner::Mode mode)
{
    CliOutput& output = context.output();
    auto* runner = new Runner(context.site(), plan, journal, &context, mode);
    // The operator confirmed (--yes or at the prompt); a failed non-production verify still
    // stops the run before production, as every failed step does.
    runner->setAutoApproveGates(true);
    // A manual blue/green switch is a change made by hand: --yes does not say it was made.
    runner->setManualChangeDone(context.flag(QStringLiteral("switched")));
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
                     [&context, &output](const RunResult& result) {
                         const int exitCode = exitCodeOf(result);
                         output.runFinished(result, exitCode);
                         // Also under --json: whoever watches the script sees stderr.
                         if (!result.ok) {
                             output.warning(result.message);
                         }
                         context.finish(exitCode);
                     });
    runner->start();
}

} // namespace myst
