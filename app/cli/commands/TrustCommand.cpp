// `myst-upgrade trust`: adds a host's key to the site's known_hosts file only when the key the
// server offers has the fingerprint the operator read off the host (safe advice to paste, unlike
// `ssh-keyscan >> known_hosts`, which trusts whatever answers at that moment).
#include "app/cli/commands/Commands.h"

#include "app/cli/ExitCode.h"
#include "core/base/Background.h"
#include "core/base/ShellQuote.h"
#include "core/ssh/SshConnection.h"

namespace myst::commands {

void trust(CommandContext& context)
{
    if (!context.loadSite()) {
        return;
    }
    const Site& site = context.site();
    const QString role = context.option(QStringLiteral("role"), site.defaultRole());
    const QString fingerprint = context.option(QStringLiteral("fingerprint"));
    if (!site.hosts.contains(role)) {
        context.usageError(QStringLiteral("give --role ROLE (the site has: %1)")
                               .arg(site.hosts.keys().join(QStringLiteral(", "))));
        return;
    }
    if (!fingerprint.startsWith(QLatin1String("SHA256:")) || fingerprint.size() < 20) {
        context.usageError(
            QStringLiteral("give --fingerprint SHA256:… as the host prints it (ssh-keygen -lf "
                           "/etc/ssh/ssh_host_ed25519_key.pub, on the host itself)"));
        return;
    }
    const SiteHost host = site.hosts.value(role);
    // Only the key exchange: no login, so no secret is sent to a host not yet trusted.
    runInBackground<SshStatus>(
        &context,
        [host, fingerprint] {
            SshConnection connection(host.endpoint);
            SshStatus status = connection.connectToHost(fingerprint);
            connection.disconnect();
            return status;
        },
        [&context, host, fingerprint](SshStatus status) {
            CliOutput& output = context.output();
            if (status.ok()) {
                output.message(QStringLiteral("%1 (%2:%3) is trusted with key %4 in %5")
                                   .arg(host.role, host.endpoint.host)
                                   .arg(host.endpoint.port)
                                   .arg(status.fingerprint, context.site().knownHostsFile));
                context.finish(ExitOk);
                return;
            }
            if (status.error == SshError::HostKeyUnknown) {
                output.warning(QStringLiteral("myst-upgrade: %1 offers the key %2, not %3: "
                                              "nothing was added. Check the fingerprint on the "
                                              "host itself.")
                                   .arg(host.endpoint.id(), status.fingerprint, fingerprint));
            } else {
                output.warning(QStringLiteral("myst-upgrade: ") + status.message);
            }
            context.finish(exitCodeFor(status.error));
        });
}

QString trustCommandLine(const QString& sitePath, const QString& role, const QString& fingerprint)
{
    return QStringLiteral("myst-upgrade trust --site %1 --role %2 --fingerprint %3")
        .arg(shellQuote(sitePath), role, shellQuote(fingerprint));
}

} // namespace myst::commands
