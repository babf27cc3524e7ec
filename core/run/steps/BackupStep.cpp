// backup-database.sh → its "Backed up to <path>" line, checked on the host before anything stops.
#include "core/run/steps/StepExecutors.h"

#include "core/base/ShellQuote.h"
#include "core/host/OutputParsers.h"

namespace myst {

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
    out.message = QStringLiteral("backed up to %1").arg(*path);
    return out;
}

} // namespace myst
