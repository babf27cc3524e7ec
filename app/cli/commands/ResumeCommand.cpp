#include "app/cli/commands/Commands.h"
#include "core/journal/RunNames.h"

#include "app/cli/RunPlan.h"
#include "core/base/ShellQuote.h"
#include "core/session/FailedStep.h"
#include "core/session/RunSession.h"

namespace myst::commands {

namespace {

// Why an ended run cannot be resumed, and for an upgrade that did not succeed, how to undo it.
QString endedRunMessage(const Journal& run, const QString& sitePath)
{
    const bool undoable = run.kind == RunKind::Upgrade && run.status != RunStatus::Succeeded;
    return QStringLiteral("run %1 has ended (%2): there is nothing to resume%3")
        .arg(run.runId, run.status,
             undoable
                 ? QStringLiteral("; to undo it: myst-upgrade rollback --site %1 --run %2 --yes")
                       .arg(shellQuote(sitePath), run.runId)
                 : QString());
}

// A failed run: Retry or Accept prepares its journal (FailedStep); without either, says the
// ways on. False when the run does not go on.
bool decide(CommandContext& context, const Plan& plan, Journal& journal)
{
    const bool retry = context.flag(QStringLiteral("retry"));
    const bool accept = context.flag(QStringLiteral("accept"));
    if (!journal.isRetryable()) {
        if (accept) {
            context.usageError(QStringLiteral("run %1 is %2, not failed: there is no failure to "
                                              "accept")
                                   .arg(journal.runId, journal.status));
            return false;
        }
        return true; // interrupted: reattached (--retry runs again a step whose host restarted)
    }
    QString error;
    if (!retry && !accept) {
        context.output().warning(
            QStringLiteral("run %1 failed: %2").arg(journal.runId, journal.message));
        tellWaysOn(context.output(), plan, journal);
        context.usageError(QStringLiteral("run %1 failed; say how to go on: --retry or --accept "
                                          "(or roll it back)")
                               .arg(journal.runId));
        return false;
    }
    const bool ok = retry ? FailedStep::prepareRetry(journal, plan, &error)
                          : FailedStep::prepareAccept(journal, &error);
    if (!ok) {
        context.usageError(error);
        return false;
    }
    return true;
}

} // namespace

void resume(CommandContext& context)
{
    if (!context.loadSite()) {
        return;
    }
    const std::optional<Journal> run =
        context.runFromOptions(&Journal::lastUnfinished, QStringLiteral("unfinished run"));
    if (!run) {
        return;
    }
    if (context.flag(QStringLiteral("retry")) && context.flag(QStringLiteral("accept"))) {
        context.usageError(QStringLiteral("--retry and --accept: choose one"));
        return;
    }
    if (!run->isUnfinished() && !run->isRetryable()) {
        context.usageError(endedRunMessage(*run, context.site().path));
        return;
    }
    // Two processes driving one run would run its steps twice.
    if (run->ownerIsAlive()) {
        context.usageError(QStringLiteral("run %1 is still running in process %2 on this "
                                          "computer; resume it only once that process has ended")
                               .arg(run->runId)
                               .arg(run->pid));
        return;
    }
    QString error;
    const std::optional<Plan> plan = RunSession::planResume(*run, context.site(), &error);
    if (!plan) {
        context.usageError(error);
        return;
    }
    Journal journal = *run;
    if (!decide(context, *plan, journal))
        return;
    const QString where = RunSession::resumePoint(journal).text;
    const QString how = journal.decisions.size() > run->decisions.size()
                            ? journal.decisions.last().kind
                            : QStringLiteral("resume");
    if (!context.confirm(QStringLiteral("Continue run %1 (%2, %3) at %4 (%5)?")
                             .arg(run->runId, run->kind, run->status, where, how))) {
        return;
    }
    if (journal.decisions.size() > run->decisions.size()) {
        const OperatorDecision& d = journal.decisions.last();
        context.output().decided(d, journal.steps.at(d.step));
    }
    context.output().message(QStringLiteral("Resuming run %1 at %2").arg(run->runId, where));
    const Plan resumed = *plan;
    const bool retryRestarted = context.flag(QStringLiteral("retry"));
    context.loadSecrets(resumed.roles(), [&context, resumed, journal, retryRestarted] {
        runPlan(context, resumed, journal, Runner::Mode::Resume, retryRestarted);
    });
}

} // namespace myst::commands
