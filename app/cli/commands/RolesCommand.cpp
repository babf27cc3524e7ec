#include "app/cli/commands/Commands.h"

#include "app/cli/ExitCode.h"

namespace myst::commands {

// The site file's hosts, one line each (role first: the bash completion offers these roles).
// Reads the file only, so it works before any host is reachable.
void roles(CommandContext& context)
{
    if (!context.loadSite()) {
        return;
    }
    for (const SiteHost& host : context.site().hosts)
        context.output().message(
            QStringLiteral("%1  %2  %3").arg(host.role, host.endpoint.id(), host.mystHome));
    context.finish(ExitOk);
}

} // namespace myst::commands
