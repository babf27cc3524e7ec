#include "app/cli/commands/Commands.h"
#include "core/journal/RunNames.h"

#include "app/cli/RunPlan.h"
#include "core/session/HostHistory.h"
#include "core/session/RunSession.h"

namespace myst::commands {

namespace {

// --from-host [--run RUN_ID], or --image IMAGE --backup PATH: from what the host has, checked
// there before anything stops, so that any laptop can roll back, with or without a record.
void rollbackFromHost(CommandContext& context)
{
    const std::optional<QString> role = context.roleOrDefault();
    if (!role) {
        return;
    }
    const QString image = context.option(QStringLiteral("image"));
    const QString backup = context.option(QStringLiteral("backup"));
    const bool fromHost = context.flag(QStringLiteral("from-host"));
    if (fromHost == !(image.isEmpty() && backup.isEmpty()) || image.isEmpty() != backup.isEmpty() ||
        context.flag(QStringLiteral("last"))) {
        context.usageError(QStringLiteral("give --from-host [--run RUN_ID], or --image IMAGE "
                                          "--backup PATH (both), or --last / --run RUN_ID"));
        return;
    }
    const QString runId = context.option(QStringLiteral("run"));
    context.withHostHistory(
        *role, image, backup,
        [&context, role = *role, fromHost, runId](const HostHistory& history) {
            Plan plan;
            RollbackPairing pairing = history.pairing;
            QString error;
            const bool planned =
                fromHost ? RunSession::planRollbackFromHost(context.site(), role, history, runId,
                                                            &plan, &pairing, &error)
                         : RunSession::planRollbackTo(context.site(), role, pairing, &plan, &error);
            if (!planned) {
                if (!error.contains(QLatin1String("othing was changed")))
                    error += QStringLiteral(" Nothing was changed.");
                context.usageError(QStringLiteral("%1: %2").arg(role, error));
                return;
            }
            if (!pairing.undone.isEmpty() || !pairing.undoneBy.isEmpty())
                context.output().warning(QStringLiteral("WARNING: ") + pairing.loses);
            if (!context.confirm(QStringLiteral("Roll back %1 to image %2 (%3) and restore %4? %5")
                                     .arg(role, pairing.imageId.left(19), pairing.version,
                                          pairing.backupPath, pairing.loses))) {
                return;
            }
            context.output().message(pairing.why);
            runPlan(context, plan, RunSession::newJournal(plan, pairing.runId));
        });
}

} // namespace

void rollback(CommandContext& context)
{
    if (!context.loadSite()) {
        return;
    }
    if (context.flag(QStringLiteral("from-host")) ||
        !context.option(QStringLiteral("image")).isEmpty() ||
        !context.option(QStringLiteral("backup")).isEmpty()) {
        rollbackFromHost(context);
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
    // Undone already: "the last upgrade" does not mean restoring its backup a second time.
    if (const std::optional<Journal> undone = RunSession::rolledBackBy(*source, role)) {
        const QString said =
            QStringLiteral("Run %1 already rolled %2 of run %3 back (%4): this restores the "
                           "same backup again and loses everything written since.")
                .arg(undone->runId, role, source->runId,
                     undone->finished.toLocalTime().toString(Qt::ISODate));
        if (context.option(QStringLiteral("run")).isEmpty()) {
            context.usageError(said + QStringLiteral(" Nothing was changed; name the run "
                                                     "(--run RUN_ID) to do it all the same."));
            return;
        }
        context.output().warning(QStringLiteral("WARNING: ") + said);
    }
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
