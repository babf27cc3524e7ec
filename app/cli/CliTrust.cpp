// `myst-upgrade trust`: adds a host's key to the site's known_hosts file only when the key the
// server offers has the fingerprint the operator read off the host (safe advice to paste, unlike
// `ssh-keyscan >> known_hosts`, which trusts whatever answers at that moment).
#include "app/cli/CliApp.h"

#include "core/base/Background.h"
#include "core/base/ShellQuote.h"
#include "core/ssh/SshConnection.h"

namespace myst {

void CliApp::cmdTrust()
{
    if (!loadSite(m_options.value(QStringLiteral("site")))) {
        return;
    }
    const QString role = m_options.value(QStringLiteral("role"), m_site.defaultRole());
    const QString fingerprint = m_options.value(QStringLiteral("fingerprint"));
    if (!m_site.hosts.contains(role)) {
        usage(QStringLiteral("give --role ROLE (the site has: %1)")
                  .arg(m_site.hosts.keys().join(QStringLiteral(", "))));
        return;
    }
    if (!fingerprint.startsWith(QLatin1String("SHA256:")) || fingerprint.size() < 20) {
        usage(QStringLiteral("give --fingerprint SHA256:… as the host prints it (ssh-keygen -lf "
                             "/etc/ssh/ssh_host_ed25519_key.pub, on the host itself)"));
        return;
    }
    const SiteHost host = m_site.hosts.value(role);
    // Only the key exchange: no login, so no secret is sent to a host not yet trusted.
    runInBackground<SshStatus>(
        this,
        [host, fingerprint] {
            SshConnection connection(host.endpoint);
            SshStatus status = connection.connectToHost(fingerprint);
            connection.disconnect();
            return status;
        },
        [this, host, fingerprint](SshStatus status) {
            if (status.ok()) {
                m_output->message(QStringLiteral("%1 (%2:%3) is trusted with key %4 in %5")
                                      .arg(host.role, host.endpoint.host)
                                      .arg(host.endpoint.port)
                                      .arg(status.fingerprint, m_site.knownHostsFile));
                finish(ExitOk);
                return;
            }
            if (status.error == SshError::HostKeyUnknown) {
                m_output->warning(
                    QStringLiteral("myst-upgrade: %1 offers the key %2, not %3: nothing was "
                                   "added. Check the fingerprint on the host itself.")
                        .arg(host.endpoint.id(), status.fingerprint, fingerprint));
            } else {
                m_output->warning(QStringLiteral("myst-upgrade: ") + status.message);
            }
            finish(exitCodeFor(status.error));
        });
}

QString CliApp::trustAdvice(const QString& role, const QString& fingerprint) const
{
    return QStringLiteral("myst-upgrade trust --site %1 --role %2 --fingerprint %3")
        .arg(shellQuote(m_site.path), role, shellQuote(fingerprint));
}

} // namespace myst
