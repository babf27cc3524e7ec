#include "app/cli/commands/Commands.h"

#include "app/cli/ExitCode.h"

namespace myst::commands {

void plan(CommandContext& context)
{
    const std::optional<Plan> planned = context.upgradePlanFromOptions();
    if (!planned) {
        return;
    }
    CliOutput& output = context.output();
    output.message(QStringLiteral("Plan: %1 upgrade to MyST Studio %2 (nothing is run)")
                       .arg(planned->approach, planned->targetVersion));
    for (int i = 0; i < planned->steps.size(); ++i)
        output.plannedStep(i, planned->steps.at(i));
    output.planFinished();
    context.finish(ExitOk);
}

} // namespace myst::commands
