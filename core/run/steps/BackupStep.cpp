// backup-database.sh → its "Backed up to <path>" line, checked on the host before anything stops.
#include "core/run/steps/StepExecutors.h"

#include "core/base/ShellQuote.h"
#include "core/base/Validation.h"
#include "core/host/OutputParsers.h"

#include <QDateTime>

namespace myst {

namespace {
// "<size> <mtime> <sha256>" of the backup, hashed on the host (the file never travels for it),
// so that a rollback from another laptop, days later, can tell it is still the same file.
const char* const DescribeScript = R"SH(stat -c '%s %Y' -- "$1" | tr '\n' ' ' || exit 1
if command -v sha256sum >/dev/null 2>&1; then sha256sum -- "$1"; else openssl dgst -sha256 -r -- "$1"; fi)SH";

void describeBackup(StepContext& context, const Step& step, HostSession& host, const QString& path)
{
    const CapturedOutput out = host.capture(
        shellCommand({QStringLiteral("sh"), QStringLiteral("-c"),
                      QString::fromLatin1(DescribeScript), QStringLiteral("myst-describe"), path}),
        3600000);
    const QStringList fields = out.stdoutLines.value(out.stdoutLines.size() - 1)
                                   .split(QLatin1Char(' '), Qt::SkipEmptyParts);
    bool sizeOk = false, timeOk = false;
    const qint64 size = fields.value(0).toLongLong(&sizeOk);
    const qint64 mtime = fields.value(1).toLongLong(&timeOk);
    const QString sha = fields.value(2).toLower();
    if (!out.result.succeeded() || !sizeOk || !timeOk || !isSha256Hex(sha)) {
        context.log(OutputStream::Stderr,
                    QStringLiteral("Could not hash %1 on the host (%2); the record has its path "
                                   "only")
                        .arg(path, out.result.describe()));
        return;
    }
    context.capture(step.role, CaptureKey::BackupSize, QString::number(size));
    context.capture(step.role, CaptureKey::BackupTime,
                    QDateTime::fromSecsSinceEpoch(mtime, Qt::UTC).toString(Qt::ISODate));
    context.capture(step.role, CaptureKey::BackupSha256, sha);
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
