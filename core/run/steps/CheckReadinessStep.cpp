// Rollback readiness, before the first step that changes the service: the previous image is
// there by ID, the backup exists, is not empty and is the file the backup step recorded (size
// and SHA-256), and there is free disk left. One login.
#include "core/run/steps/StepExecutors.h"

#include "core/base/ShellQuote.h"
#include "core/base/Validation.h"
#include "core/host/BackupCheck.h"
#include "core/host/DockerCli.h"

#include <QLocale>
#include <QRegularExpression>

namespace myst {

StepOutcome runCheckReadiness(StepContext& context, const Step& step, HostSession& host)
{
    const HostRecord r = context.journal().records.value(step.role);
    const qint64 minFreeMegabytes = context.site().settings.minFreeMegabytes;
    if (!isValidImageId(r.previousImageId) || !isSafeAbsolutePath(r.backupPath)) {
        return {false, -1,
                QStringLiteral("Rollback is not ready on %1: the run has not recorded %2. "
                               "MyST Studio was not stopped.")
                    .arg(step.role, isValidImageId(r.previousImageId)
                                        ? QStringLiteral("a database backup")
                                        : QStringLiteral("the previous image"))};
    }
    // One login for the four checks (the hash last: it takes the longest).
    // $1 image, $2 backup, $3 MyST home, then the docker command line (sudo -n docker, maybe).
    const QStringList docker =
        DockerCli::command(context.site().hosts.value(step.role),
                           {QStringLiteral("image"), QStringLiteral("inspect"),
                            QStringLiteral("--format"), QStringLiteral("{{.Id}}")});
    const CapturedOutput out = host.capture(
        shellCommand(
            QStringList{
                QStringLiteral("sh"), QStringLiteral("-c"),
                QStringLiteral("image=$1 backup=$2 home=$3; shift 3\n"
                               "\"$@\" \"$image\" >/dev/null 2>&1 && echo image || "
                               "echo no-image\n"
                               "[ -s \"$backup\" ] && echo \"backup $(stat -c %s -- "
                               "\"$backup\")\" || echo no-backup\n"
                               "echo \"free $(df -Pk -- \"$home\" | awk 'NR==2 {print $4}')\"\n"
                               "[ -s \"$backup\" ] && echo \"sha256 $( (sha256sum -- "
                               "\"$backup\" || openssl dgst -sha256 -r -- \"$backup\") "
                               "2>/dev/null | cut -c1-64)\""),
                QStringLiteral("myst-ready"), r.previousImageId, r.backupPath, step.argv.value(0)} +
            docker),
        qint64(context.site().settings.backupTimeoutSeconds) * 1000);
    const QStringList lines = out.stdoutLines;
    for (const QString& l : out.stderrLines)
        context.log(OutputStream::Stderr, l);
    QStringList problems;
    if (!lines.contains(QStringLiteral("image")))
        problems << QStringLiteral("the previous image %1 is not on the host")
                        .arg(r.previousImageId.left(19));
    const QString backupLine =
        lines.filter(QRegularExpression(QStringLiteral("^backup "))).value(0);
    if (backupLine.isEmpty())
        problems << QStringLiteral("the backup %1 is missing or empty").arg(r.backupPath);
    else if (!r.backupSha256.isEmpty() || r.backupSize >= 0) {
        // The file the backup step hashed: a rollback restores exactly that.
        BackupCheck::Found found;
        found.size = backupLine.mid(7).toLongLong(&found.ok);
        found.sha256 =
            lines.filter(QRegularExpression(QStringLiteral("^sha256 "))).value(0).mid(7).toLower();
        found.ok = found.ok && isSha256Hex(found.sha256);
        found.error = QStringLiteral("the SHA-256 of %1 could not be read").arg(r.backupPath);
        const QString wrong =
            BackupCheck::mismatch(r.backupPath, r.backupSize, r.backupSha256, found);
        if (!wrong.isEmpty())
            problems << wrong;
    }
    bool freeKnown = false;
    const qint64 freeMb = lines.filter(QRegularExpression(QStringLiteral("^free ")))
                              .value(0)
                              .mid(5)
                              .toLongLong(&freeKnown) /
                          1024;
    if (!freeKnown)
        problems << QStringLiteral("the free disk in %1 could not be read").arg(step.argv.value(0));
    else if (freeMb < minFreeMegabytes)
        problems << QStringLiteral(
                        "only %1 MB free in %2, %3 MB needed (settings.minFreeMegabytes)")
                        .arg(freeMb)
                        .arg(step.argv.value(0))
                        .arg(minFreeMegabytes);
    // What was found, as a person reads it (the raw answers are "image", "backup N", "free K").
    context.log(OutputStream::Stdout,
                QStringLiteral("previous image %1: %2")
                    .arg(r.previousImageId.left(19), lines.contains(QStringLiteral("image"))
                                                         ? QStringLiteral("present")
                                                         : QStringLiteral("missing")));
    context.log(OutputStream::Stdout,
                QStringLiteral("backup %1: %2")
                    .arg(r.backupPath, backupLine.isEmpty() ? QStringLiteral("missing or empty")
                                                            : QLocale::c().formattedDataSize(
                                                                  backupLine.mid(7).toLongLong())));
    context.log(OutputStream::Stdout,
                QStringLiteral("free disk in %1: %2 (at least %3 MB wanted)")
                    .arg(step.argv.value(0), freeKnown ? QStringLiteral("%1 MB").arg(freeMb)
                                                       : QStringLiteral("unknown"))
                    .arg(minFreeMegabytes));
    if (!problems.isEmpty()) {
        return {false, -1,
                QStringLiteral("Rollback is not ready on %1: %2. MyST Studio was not stopped.")
                    .arg(step.role, problems.join(QStringLiteral("; ")))};
    }
    return {true, 0,
            QStringLiteral("previous image %1 present, backup %2 (%3), %4 MB free")
                .arg(r.previousImageId.left(19), r.backupPath,
                     QLocale::c().formattedDataSize(backupLine.mid(7).toLongLong()))
                .arg(freeMb)};
}

} // namespace myst
