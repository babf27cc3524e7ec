// Blue/green: before anything changes, both hosts' record of the active instance agrees with
// the site's blueGreen.active (or neither host has one yet). When they disagree, someone
// switched without this tool, or another laptop's site file is newer: the run stops and says so.
#include "core/run/steps/StepExecutors.h"

#include "core/base/ShellQuote.h"
#include "core/host/ActiveRoleStore.h"
#include "core/host/DockerCli.h"

namespace myst {

StepOutcome runCheckActive(StepContext& context, const Step& step, HostSession& host)
{
    SshStatus status;
    HostSession* other = context.host(step.sourceRole, &status);
    if (!other)
        return {false, -1, status.message};
    QStringList seen;
    for (const auto& [role, session] : {std::pair<QString, HostSession*>{step.role, &host},
                                        std::pair<QString, HostSession*>{step.sourceRole, other}}) {
        const QString home = context.site().hosts.value(role).mystHome;
        const ActiveRoleStore::ReadResult read = ActiveRoleStore::read(*session, home);
        if (!read.ok)
            return {false, -1, read.error};
        context.log(OutputStream::Stdout,
                    read.active.isEmpty()
                        ? QStringLiteral("%1: %2 records no active instance yet")
                              .arg(role, ActiveRoleStore::filePath(home))
                        : QStringLiteral("%1: %2 records %3 as active (run %4)")
                              .arg(role, ActiveRoleStore::filePath(home), read.active,
                                   read.runId.isEmpty() ? QStringLiteral("?") : read.runId));
        if (!read.active.isEmpty() && read.active != step.role) {
            return {false, -1,
                    QStringLiteral("the site file says %1 is the active instance, but %2 records "
                                   "%3 (%4, run %5). Nothing was changed. Find out which instance "
                                   "really serves, then set \"blueGreen\": {\"active\": …} in %6 "
                                   "to it (or switch with myst-upgrade switch).")
                        .arg(step.role, role, read.active, ActiveRoleStore::filePath(home),
                             read.runId, context.site().path)};
        }
        seen << read.active;
    }
    // The database answers the client the read-only steps use, with the container's own
    // credentials, and is writable now: else the run would stop at read-only-on, after the idle
    // instance has pulled, or (already read-only: an earlier run stopped there) turn it off
    // behind whoever turned it on.
    const CapturedOutput db = host.capture(
        shellCommand(DockerCli::dbReadOnlyQuery(context.site().hosts.value(step.role))), 60000);
    const QString said = db.stdoutLines.isEmpty() ? QString() : db.stdoutLines.last().trimmed();
    if (!db.result.succeeded() || (said != QLatin1String("0") && said != QLatin1String("1"))) {
        return {false, -1,
                QStringLiteral("the database on %1 does not answer %2 (%3). Nothing was changed.")
                    .arg(step.role,
                         shellCommand(
                             DockerCli::dbReadOnlyQuery(context.site().hosts.value(step.role))),
                         db.stderrLines.isEmpty() ? db.result.describe()
                                                  : db.stderrLines.last().left(300))};
    }
    if (said == QLatin1String("1") && context.site().blueGreen.readOnly) {
        return {false, -1,
                QStringLiteral("the database on %1 is read-only already (writes refused): an "
                               "earlier run may have stopped there (myst-upgrade runs; resume "
                               "it, which turns it off), or someone set it. Nothing was changed.")
                    .arg(step.role)};
    }
    context.log(
        OutputStream::Stdout,
        QStringLiteral("%1: the database answers, @@global.read_only = %2").arg(step.role, said));
    return {true, 0,
            seen.join(QString()).isEmpty()
                ? QStringLiteral("no host records an active instance yet: %1, as the site says")
                      .arg(step.role)
                : QStringLiteral("the site and both hosts agree: %1 is active").arg(step.role)};
}

} // namespace myst
