#include "app/cli/commands/Commands.h"

#include "app/cli/RunPlan.h"
#include "core/session/RunSession.h"

namespace myst::commands {

void switchTraffic(CommandContext& context)
{
    if (!context.loadSite())
        return;
    const QString to = context.option(QStringLiteral("to"));
    if (to.isEmpty()) {
        context.usageError(QStringLiteral("give --to blue or --to green"));
        return;
    }
    Plan plan;
    QString error;
    if (!RunSession::planSwitch(context.site(), to, &plan, &error)) {
        context.usageError(error);
        return;
    }
    const QString from = context.site().blueGreen.active;
    if (!context.confirm(QStringLiteral("Switch traffic from %1 to %2 (%3)?")
                             .arg(from, to, context.site().hosts.value(to).endpoint.id())))
        return;
    context.loadSecrets(plan.roles(),
                        [&context, plan] { runPlan(context, plan, RunSession::newJournal(plan)); });
}

} // namespace myst::commands
