// Phased with the data copy: production's recorded backup to non-production, through this
// computer, under a name of this run's own that can collide with nothing.
#include "core/run/steps/StepExecutors.h"

#include "core/base/ShellQuote.h"
#include "core/base/Validation.h"
#include "core/host/BackupCheck.h"

#include <QLocale>

namespace myst {

StepOutcome runCopyBackup(StepContext& context, const Step& step, HostSession& target)
{
    const Journal& journal = context.journal();
    const QString source = journal.records.value(step.sourceRole).backupPath;
    // Both hosts may name backups by date alone: the copy must never replace the target's own
    // backup, which its rollback restores.
    const QString targetPath =
        context.site().hosts.value(step.role).backupFolder() +
        QStringLiteral("/myst-upgrade-%1-from-%2-%3")
            .arg(journal.runId, step.sourceRole, source.section(QLatin1Char('/'), -1));
    if (!isSafeAbsolutePath(source) || !isSafeAbsolutePath(targetPath)) {
        return {false, -1,
                QStringLiteral("No usable backup of %1 was recorded to copy").arg(step.sourceRole)};
    }
    for (const HostRecord& r : std::as_const(journal.records)) {
        if (targetPath == r.backupPath || targetPath == r.copiedBackupPath) {
            return {false, -1,
                    QStringLiteral("The copy's name %1 is a backup this run recorded; refused, "
                                   "so that no backup is overwritten")
                        .arg(targetPath)};
        }
    }
    SshStatus status;
    HostSession* from = context.host(step.sourceRole, &status);
    if (!from) {
        return {false, -1, status.message};
    }
    context.log(OutputStream::Stdout, QStringLiteral("copying %1 (%2) to %3 (%4)")
                                          .arg(source, step.sourceRole, targetPath, step.role));
    const CopyResult copy = from->copyTo(
        target, source, targetPath,
        [&](qint64 done, qint64 total) {
            context.log(OutputStream::Stdout, QStringLiteral("copied %1 of %2 (%3%)")
                                                  .arg(QLocale::c().formattedDataSize(done),
                                                       QLocale::c().formattedDataSize(total))
                                                  .arg(total ? done * 100 / total : 100));
        },
        context.cancelFlag());
    if (!copy.ok) {
        return {false, -1, copy.message};
    }
    // What went through (RemoteCopy checks both ends against it) must be the backup the source's
    // backup step hashed: a dump changed in between is not copied on as production's data.
    const HostRecord& recorded = journal.records.value(step.sourceRole);
    BackupCheck::Found copied;
    copied.ok = true;
    copied.size = copy.bytes;
    copied.sha256 = copy.sha256;
    const QString wrong =
        BackupCheck::mismatch(source, recorded.backupSize, recorded.backupSha256, copied);
    if (!wrong.isEmpty()) {
        target.capture(shellCommand(
            {QStringLiteral("rm"), QStringLiteral("-f"), QStringLiteral("--"), targetPath}));
        return {
            false, -1,
            wrong +
                QStringLiteral(" The copy on %1 was removed; nothing is restored.").arg(step.role)};
    }
    context.capture(step.role, CaptureKey::CopiedBackupPath, targetPath);
    context.capture(step.role, CaptureKey::CopiedBackupSha256, copy.sha256);
    return {true, 0, copy.message};
}

} // namespace myst
