// backup-database.sh → its "Backed up to <path>" line, checked on the host before anything stops.
#include "core/run/steps/StepExecutors.h"

#include "core/base/ShellQuote.h"
#include "core/base/Validation.h"
#include "core/host/BackupCheck.h"
#include "core/host/OutputParsers.h"

#include <QDateTime>

namespace myst {

namespace {
// Size, time and SHA-256 of the backup, hashed on the host (the file never travels for it), so
// that a rollback from another laptop, days later, can tell it is still the same file.
void describeBackup(StepContext& context, const Step& step, HostSession& host, const QString& path)
{
    const BackupCheck::Found found = BackupCheck::describe(host, path);
    if (!found.ok) {
        context.log(OutputStream::Stderr,
                    QStringLiteral("Could not hash %1 on the host (%2); the record has its path "
                                   "only")
                        .arg(path, found.error));
        return;
    }
    context.capture(step.role, CaptureKey::BackupSize, QString::number(found.size));
    context.capture(step.role, CaptureKey::BackupTime,
                    QDateTime::fromSecsSinceEpoch(found.mtime, Qt::UTC).toString(Qt::ISODate));
    context.capture(step.role, CaptureKey::BackupSha256, found.sha256);
}
} // namespace

StepOutcome runBackup(StepContext& context, const Step& step, HostSession& host)
{
    QStringList lines;
    StepOutcome out = context.runScript(step, host, &lines);
    if (!out.ok) {
        return out;
    }
    QString error;
    const auto path = parseBackupPath(lines, &error);
    if (!path) {
        return {false, out.exitCode, error};
    }
    // A line the script prints may name any plain path (/etc/passwd): a backup is a file in the
    // host's backup folder (SiteHost::backupFolder), or it is not one a rollback will restore.
    const QString folder = context.site().hosts.value(step.role).backupFolder();
    if (!isInFolder(*path, folder)) {
        return {false, out.exitCode,
                QStringLiteral("backup-database.sh reported %1, which is not in the backup folder "
                               "%2: refused (a rollback restores only a backup from there)")
                    .arg(*path, folder)};
    }
    // Trust, but verify: the file is there and not empty before anything is stopped.
    const CapturedOutput test =
        host.capture(shellCommand({QStringLiteral("test"), QStringLiteral("-s"), *path}));
    if (!test.result.succeeded()) {
        return {false, out.exitCode,
                QStringLiteral("backup-database.sh reported %1, but that file is missing or empty "
                               "on the host")
                    .arg(*path)};
    }
    context.capture(step.role, CaptureKey::BackupPath, *path);
    describeBackup(context, step, host, *path);
    out.message = QStringLiteral("backed up to %1").arg(*path);
    return out;
}

} // namespace myst
