#pragma once

#include "app/cli/CommandContext.h"

#include <QString>

// One function per command of `myst-upgrade`, each in a file of its own. A command reads its
// options from the context, reports through the context's output, and finishes the context
// with the exit code, perhaps later, once its background work is done.
namespace myst::commands {

void check(CommandContext& context);
void plan(CommandContext& context);
void upgrade(CommandContext& context);
void upload(CommandContext& context);
void rollback(CommandContext& context);
void history(CommandContext& context);
void resume(CommandContext& context);
void switchTraffic(CommandContext& context); // `switch`
void unlock(CommandContext& context);
void runs(CommandContext& context);
void roles(CommandContext& context);
void secret(CommandContext& context);
void trust(CommandContext& context);

// The `trust` command line to paste for a host whose key is unknown, quoted.
QString trustCommandLine(const QString& sitePath, const QString& role, const QString& fingerprint);

} // namespace myst::commands
