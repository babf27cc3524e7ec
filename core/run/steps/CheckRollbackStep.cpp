// Before a rollback changes anything: no step of the run it undoes still runs on the host, and
// the recorded image and backup are still there (that the backup is the very file that was
// recorded, by size and SHA-256, is the next step's: CheckBackupStep, right before the re-tag
// and the restore).
#include "core/run/steps/StepExecutors.h"

#include "core/base/ShellQuote.h"
#include "core/host/DockerCli.h"

namespace myst {

StepOutcome runCheckRollback(StepContext& context, const Step& step, HostSession& host)
{
    const Journal& journal = context.journal();
    if (isValidRunId(journal.rollbackOf)) {
        const int limit = context.site().settings.stepTimeoutSeconds;
        const CapturedOutput waited =
            host.capture(waitForInterruptedStepsCommand(
                             context.site().hosts.value(step.role).mystHome +
                                 QStringLiteral("/.myst-upgrade/runs/") + journal.rollbackOf,
                             limit),
                         qint64(limit + 60) * 1000);
        for (const QString& l : waited.stdoutLines)
            context.log(OutputStream::Stdout, l);
        if (!waited.result.succeeded()) {
            return {false, -1,
                    QStringLiteral("Could not make sure no step of run %1 is still running on "
                                   "%2 (%3): rollback refused, nothing was changed.")
                        .arg(journal.rollbackOf, step.role, waited.result.describe()),
                    waited.result.error == SshError::Lost};
        }
    }
    const CapturedOutput image = host.capture(shellCommand(
        DockerCli::command(context.site().hosts.value(step.role),
                           {QStringLiteral("image"), QStringLiteral("inspect"),
                            QStringLiteral("--format"), QStringLiteral("{{.Id}}"), step.imageId})));
    for (const QString& l : image.stdoutLines + image.stderrLines)
        context.log(OutputStream::Stdout, l);
    if (!image.result.succeeded()) {
        return {false, image.result.exitStatus,
                QStringLiteral("The previous image %1 is no longer on the host (removed?): "
                               "rollback refused, nothing was changed.")
                    .arg(step.imageId)};
    }
    const CapturedOutput backup =
        host.capture(shellCommand({QStringLiteral("test"), QStringLiteral("-s"), step.backupPath}));
    if (!backup.result.succeeded()) {
        return {false, backup.result.exitStatus,
                QStringLiteral("The backup %1 is missing or empty on the host: rollback refused, "
                               "nothing was changed.")
                    .arg(step.backupPath)};
    }
    return {true, 0,
            QStringLiteral("image %1 and backup %2 are present")
                .arg(step.imageId.left(19), step.backupPath)};
}

} // namespace myst
