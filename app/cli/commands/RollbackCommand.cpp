#include "app/cli/commands/Commands.h"
#include "core/journal/RunNames.h"

#include "app/cli/RunPlan.h"
#include "core/session/RunSession.h"

namespace myst::commands {

void rollback(CommandContext& context)
{
    if (!context.loadSite()) {
        return;
    }
    const std::optional<Journal> source =
        context.runFromOptions(&Journal::lastUpgrade, QStringLiteral("upgrade"));
    if (!source) {
        return;
    }
    if (source->kind != RunKind::Upgrade) {
        context.usageError(
            QStringLiteral("run %1 is a %2, not an upgrade").arg(source->runId, source->kind));
        return;
    }
    const Site& site = context.site();
    const QString role =
        RunSession::rollbackRole(*source, site, context.option(QStringLiteral("role")));
    QString error;
    Plan plan;
    if (!RunSession::planRollback(site, *source, role, &plan, &error)) {
        // A host the site has: the run's record of it is what is missing, so name the run.
        context.usageError(site.hosts.contains(role)
                               ? QStringLiteral("run %1: %2").arg(source->runId, error)
                               : error);
        return;
    }
    const HostRecord record = source->records.value(role);
    if (!context.confirm(
            QStringLiteral(
                "Roll back %1 to image %2 and restore %3? Changes made since %4 will be lost.")
                .arg(role, record.previousImageId.left(19), record.backupPath,
                     source->started.toLocalTime().toString(Qt::ISODate)))) {
        return;
    }
    const QString sourceId = source->runId;
    context.loadSecrets({role}, [&context, plan, sourceId] {
        runPlan(context, plan, RunSession::newJournal(plan, sourceId));
    });
}

} // namespace myst::commands
