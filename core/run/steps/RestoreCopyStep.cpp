// update-database.sh <the copied backup>: non-production restarts on production's data; the
// copy of production's data is then removed from the test host, unless the operator keeps it.
#include "core/run/steps/StepExecutors.h"

#include "core/base/ShellQuote.h"
#include "core/base/Validation.h"
#include "core/host/BackupCheck.h"

namespace myst {

StepOutcome runRestoreCopy(StepContext& context, const Step& step, HostSession& host)
{
    Step run = step;
    const QString copied = context.journal().records.value(step.role).copiedBackupPath;
    run.argv << copied;
    if (!isSafeAbsolutePath(copied)) {
        return {false, -1, QStringLiteral("No copied backup was recorded on %1").arg(step.role)};
    }
    // Right before the restore: still the copy whose SHA-256 both hosts agreed on.
    const QString sha = context.journal().records.value(step.role).copiedBackupSha256;
    if (!sha.isEmpty()) {
        const BackupCheck::Found found = BackupCheck::describe(
            host, copied, qint64(context.site().settings.backupTimeoutSeconds) * 1000);
        const QString wrong = BackupCheck::mismatch(copied, -1, sha, found);
        if (!wrong.isEmpty())
            return {
                false, -1,
                found.ok
                    ? wrong +
                          QStringLiteral(" It is not restored; %1 was not changed.").arg(step.role)
                    : wrong,
                found.lost};
        context.log(OutputStream::Stdout,
                    QStringLiteral("%1 is the copy made (SHA-256 %2)").arg(copied, found.sha256));
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
