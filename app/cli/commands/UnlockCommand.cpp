#include "app/cli/commands/Commands.h"

#include "app/cli/ExitCode.h"
#include "core/base/Background.h"
#include "core/host/HostLock.h"

namespace myst::commands {

namespace {

struct UnlockOutcome
{
    SshStatus connection;
    LockResult lock;
};

UnlockOutcome breakLockOn(const SiteHost& host, const SshAuth& auth)
{
    UnlockOutcome outcome;
    SshConnection connection(host.endpoint);
    outcome.connection = connection.open(auth);
    if (outcome.connection.ok()) {
        outcome.lock = HostLock::breakLock(connection, host.mystHome);
    }
    return outcome;
}

} // namespace

void unlock(CommandContext& context)
{
    if (!context.loadSite()) {
        return;
    }
    const Site& site = context.site();
    QString role = context.option(QStringLiteral("role"));
    if (role.isEmpty()) {
        role = site.defaultRole();
    }
    if (!site.hosts.contains(role)) {
        context.usageError(QStringLiteral("give --role ROLE (the site has: %1)")
                               .arg(site.hosts.keys().join(QStringLiteral(", "))));
        return;
    }
    if (!context.confirm(QStringLiteral("Break the upgrade lock on %1? Only when no other wizard "
                                        "is working on it.")
                             .arg(role))) {
        return;
    }
    context.loadSecrets({role}, [&context, role] {
        const SiteHost host = context.site().hosts.value(role);
        const SshAuth auth = context.auth().value(role);
        runInBackground<UnlockOutcome>(
            &context, [host, auth] { return breakLockOn(host, auth); },
            [&context](UnlockOutcome outcome) {
                const int exitCode = !outcome.connection.ok()
                                         ? exitCodeFor(outcome.connection.error)
                                     : outcome.lock.ok ? int(ExitOk)
                                                       : int(ExitStepFailed);
                const QString message =
                    outcome.connection.ok() ? outcome.lock.message : outcome.connection.message;
                context.output().unlockFinished(exitCode, outcome.lock.holder.line(), message);
                if (exitCode != ExitOk) {
                    context.output().warning(message);
                }
                context.finish(exitCode);
            });
    });
}

} // namespace myst::commands
