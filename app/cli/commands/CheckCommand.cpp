#include "app/cli/commands/Commands.h"

#include "app/cli/ExitCode.h"
#include "core/base/Background.h"
#include "core/host/Preflight.h"

namespace myst::commands {

namespace {

// One host after the other, so that each host's report reads as a block; the worst exit code
// so far travels along.
void checkNextRole(CommandContext& context, QStringList roles, int worst)
{
    CliOutput& output = context.output();
    if (roles.isEmpty()) {
        output.checkFinished(worst);
        context.finish(worst);
        return;
    }
    const SiteHost host = context.site().hosts.value(roles.takeFirst());
    const RunSettings settings = context.site().settings;
    const SshAuth auth = context.auth().value(host.role);
    runInBackground<PreflightResult>(
        &context, [host, settings, auth] { return runPreflight(host, settings, auth); },
        [&context, &output, roles, worst, host](PreflightResult result) {
            int exitCode = worst;
            output.message(QStringLiteral("%1 (%2)").arg(host.role, host.endpoint.id()));
            for (const CheckItem& item : result.items)
                output.checkItem(item);
            if (!result.connection.ok()) {
                exitCode = qMax(exitCode, exitCodeFor(result.connection.error));
                if (result.connection.error == SshError::HostKeyUnknown) {
                    output.message(
                        QStringLiteral("  Compare %1 with the host's own (ssh-keygen -lf "
                                       "/etc/ssh/ssh_host_ed25519_key.pub, on the host); if they "
                                       "match, trust it with:\n    %2")
                            .arg(result.connection.fingerprint,
                                 trustCommandLine(context.site().path, host.role,
                                                  result.connection.fingerprint)));
                }
            } else if (!result.passed()) {
                exitCode = qMax(exitCode, int(ExitStepFailed));
            }
            checkNextRole(context, roles, exitCode);
        });
}

} // namespace

void check(CommandContext& context)
{
    if (!context.loadSite()) {
        return;
    }
    const QString role = context.option(QStringLiteral("role"));
    const QStringList roles = role.isEmpty() ? context.site().hosts.keys() : QStringList{role};
    context.loadSecrets(roles, [&context, roles] { checkNextRole(context, roles, ExitOk); });
}

} // namespace myst::commands
