#include "app/cli/commands/Commands.h"

#include "app/cli/RunPlan.h"
#include "core/journal/RunNames.h"
#include "core/session/RunSession.h"

namespace myst::commands {

void upgrade(CommandContext& context)
{
    const std::optional<Plan> planned = context.upgradePlanFromOptions();
    if (!planned) {
        return;
    }
    const Plan plan = *planned;
    const QStringList roles = plan.roles();
    QStringList where;
    const Site& site = context.site();
    for (const QString& role : roles)
        where << QStringLiteral("%1 (%2)").arg(role, site.hosts.value(role).endpoint.id());
    const BlueGreen& bg = site.blueGreen;
    const QString question =
        plan.approach == Approach::ZeroDowntime
            ? QStringLiteral("Upgrade %1 to MyST Studio %2 with %3's data, then switch traffic to "
                             "it (zero-downtime)? %3 keeps serving%4; changes made on it after its "
                             "backup are lost.")
                  .arg(bg.idle(), plan.targetVersion, bg.active,
                       bg.readOnly ? QStringLiteral(", read-only while its backup is taken")
                                   : QString())
            : QStringLiteral("Upgrade MyST Studio on %1 to %2 (%3)? This stops the service.")
                  .arg(where.join(QStringLiteral(" then ")), plan.targetVersion, plan.approach);
    if (!context.confirm(question)) {
        return;
    }
    context.loadSecrets(roles,
                        [&context, plan] { runPlan(context, plan, RunSession::newJournal(plan)); });
}

} // namespace myst::commands
