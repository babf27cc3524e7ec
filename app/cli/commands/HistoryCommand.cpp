#include "app/cli/commands/Commands.h"

#include "app/cli/ExitCode.h"
#include "core/base/Background.h"

namespace myst::commands {

void history(CommandContext& context)
{
    const std::optional<QString> role = context.roleOrDefault();
    if (!role) {
        return;
    }
    context.withHostHistory(*role, {}, {}, [&context, role = *role](const HostHistory& history) {
        context.output().historyListed(role, history);
        const bool ok = history.inventory.ok && history.inventory.records.ok;
        if (!ok) {
            context.output().warning(history.inventory.ok ? history.inventory.records.error
                                                          : history.inventory.error);
        }
        context.finish(ok ? ExitOk : ExitStepFailed);
    });
}

} // namespace myst::commands
