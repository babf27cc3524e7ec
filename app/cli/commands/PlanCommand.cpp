#include "app/cli/commands/Commands.h"

#include "app/cli/ExitCode.h"
#include "core/journal/RunNames.h"

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
    if (planned->approach == Approach::ZeroDowntime) {
        const BlueGreen& bg = context.site().blueGreen;
        output.message(
            QStringLiteral("%1 keeps serving MyST Studio; %2 is upgraded with its data. %3"
                           "Changes made on %1 after its backup are lost: they are not on %2.")
                .arg(bg.active, bg.idle(),
                     bg.readOnly ? QStringLiteral("Writes on %1 are refused from read-only-on "
                                                  "to read-only-off (the read-only window). ")
                                       .arg(bg.active)
                                 : QString()));
    }
    for (int i = 0; i < planned->steps.size(); ++i)
        output.plannedStep(i, planned->steps.at(i));
    output.planFinished();
    context.finish(ExitOk);
}

} // namespace myst::commands
