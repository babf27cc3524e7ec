#include "app/cli/commands/Commands.h"

#include "app/cli/RunPlan.h"
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
    if (!context.confirm(
            QStringLiteral("Upgrade MyST Studio on %1 to %2 (%3)? This stops the service.")
                .arg(where.join(QStringLiteral(" then ")), plan.targetVersion, plan.approach))) {
        return;
    }
    context.loadSecrets(roles,
                        [&context, plan] { runPlan(context, plan, RunSession::newJournal(plan)); });
}

} // namespace myst::commands
