// update-database.sh <the copied backup>: non-production restarts on production's data; the
// copy of production's data is then removed from the test host, unless the operator keeps it.
#include "core/run/steps/StepExecutors.h"

#include "core/base/ShellQuote.h"
#include "core/base/Validation.h"

namespace myst {

StepOutcome runRestoreCopy(StepContext& context, const Step& step, HostSession& host)
{
    Step run = step;
    const QString copied = context.journal().records.value(step.role).copiedBackupPath;
    run.argv << copied;
    if (!isSafeAbsolutePath(copied)) {
        return {false, -1, QStringLiteral("No copied backup was recorded on %1").arg(step.role)};
    }
    StepOutcome out = context.runScript(run, host);
    if (!out.ok || step.keepFile) {
        return out;
    }
    const CapturedOutput removed = host.capture(
        shellCommand({QStringLiteral("rm"), QStringLiteral("-f"), QStringLiteral("--"), copied}));
    context.log(OutputStream::Stdout,
                removed.result.succeeded()
                    ? QStringLiteral("[cleanup] removed the copy of %1's backup, %2, from %3: it "
                                     "is restored")
                          .arg(step.sourceRole, copied, step.role)
                    : QStringLiteral("[cleanup] could not remove the copy of %1's backup %2 from "
                                     "%3 (%4): remove it by hand")
                          .arg(step.sourceRole, copied, step.role, removed.result.describe()));
    return out;
}

} // namespace myst
