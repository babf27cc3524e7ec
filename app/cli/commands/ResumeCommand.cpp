#include "app/cli/commands/Commands.h"
#include "core/journal/RunNames.h"

#include "app/cli/RunPlan.h"
#include "core/base/ShellQuote.h"
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
    if (!run->isUnfinished()) {
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
    const QString where = RunSession::resumePoint(*run).text;
    if (!context.confirm(QStringLiteral("Resume run %1 (%2, %3) at %4?")
                             .arg(run->runId, run->kind, run->status, where))) {
        return;
    }
    context.output().message(QStringLiteral("Resuming run %1 at %2").arg(run->runId, where));
    const Journal journal = *run;
    const Plan resumed = *plan;
    context.loadSecrets(resumed.roles(), [&context, resumed, journal] {
        runPlan(context, resumed, journal, Runner::Mode::Resume);
    });
}

} // namespace myst::commands
