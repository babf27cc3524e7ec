// A rollback's last check before it changes anything (then only the re-tag and the restore):
// the backup is still the file the upgrade recorded, by size and SHA-256 hashed on the host. A
// dump changed on the host after the upgrade is never restored as if it were the backup.
#include "core/run/steps/StepExecutors.h"

#include "core/host/BackupCheck.h"

namespace myst {

StepOutcome runCheckBackup(StepContext& context, const Step& step, HostSession& host)
{
    if (step.backupSha256.isEmpty() && step.backupSize < 0) {
        // Chosen by hand, proposed from the backup folder, or recorded by an older version.
        const QString note = QStringLiteral("No size or SHA-256 was recorded for %1, so it "
                                            "cannot be compared with what was backed up.")
                                 .arg(step.backupPath);
        context.log(OutputStream::Stdout, note);
        return {true, 0, note};
    }
    const qint64 timeoutMs = qint64(context.site().settings.backupTimeoutSeconds) * 1000;
    const BackupCheck::Found found = BackupCheck::describe(host, step.backupPath, timeoutMs);
    if (found.ok)
        context.log(OutputStream::Stdout,
                    QStringLiteral("%1: %2 bytes, SHA-256 %3 (recorded: "
                                   "%4 bytes, SHA-256 %5)")
                        .arg(step.backupPath)
                        .arg(found.size)
                        .arg(found.sha256)
                        .arg(step.backupSize)
                        .arg(step.backupSha256.isEmpty() ? QStringLiteral("not recorded")
                                                         : step.backupSha256));
    const QString wrong =
        BackupCheck::mismatch(step.backupPath, step.backupSize, step.backupSha256, found);
    if (!wrong.isEmpty())
        return {false, -1, wrong + QStringLiteral(" Rollback refused, nothing was changed."),
                found.lost};
    return {true, 0,
            QStringLiteral("%1 is the recorded backup (%2 bytes, SHA-256 %3)")
                .arg(step.backupPath)
                .arg(found.size)
                .arg(found.sha256.left(16) + QStringLiteral("…"))};
}

} // namespace myst
