#pragma once

#include "app/cli/CommandContext.h"
#include "core/journal/Journal.h"
#include "core/plan/Plan.h"
#include "core/run/Runner.h"

namespace myst {

// Runs a confirmed plan with the secrets the context read, tells the output every step's
// progress, and finishes with the run's exit code. Upgrade, upload, rollback and resume end
// here.
// After a failed run: Retry, Accept, Roll back or Leave, each with its command or why not.
void tellWaysOn(CliOutput& output, const Plan& plan, const Journal& run);

// With retryRestarted, a step whose host restarted while it ran runs again (resume --retry).
void runPlan(CommandContext& context, const Plan& plan, Journal journal,
             Runner::Mode mode = Runner::Mode::Fresh, bool retryRestarted = false);

} // namespace myst
