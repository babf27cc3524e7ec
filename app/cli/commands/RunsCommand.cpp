#include "app/cli/commands/Commands.h"

#include "app/cli/ExitCode.h"

namespace myst::commands {

// Every run in this computer's journal, of any site: it needs no --site.
void runs(CommandContext& context)
{
    const QList<Journal> journals = Journal::loadAll();
    for (const Journal& run : journals)
        context.output().listedRun(run);
    context.output().runsListed(int(journals.size()));
    context.finish(ExitOk);
}

} // namespace myst::commands
