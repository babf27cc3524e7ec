#include "core/site/SecretLoader.h"
#include "core/journal/RunNames.h"

#include "core/site/Credentials.h"

namespace myst {

bool hostNeedsSecret(const SiteHost& host)
{
    return host.auth == AuthMethod::Password ||
           (host.auth == AuthMethod::Key && !host.endpoint.identityFile.isEmpty() &&
            keyNeedsPassphrase(host.endpoint.identityFile));
}

SshAuth authWithSecret(const SiteHost& host, const QString& secret)
{
    SshAuth auth;
    auth.useAgent = host.auth != AuthMethod::Password;
    (host.auth == AuthMethod::Password ? auth.password : auth.passphrase) = secret;
    return auth;
}

void readSecrets(const Site& site, QStringList roles, QObject* context,
                 std::function<void(const SecretsResult&)> done, SecretsResult sofar)
{
    while (!roles.isEmpty()) {
        const SiteHost host = site.hosts.value(roles.takeFirst());
        if (!hostNeedsSecret(host)) {
            sofar.auth.insert(host.role, authWithSecret(host, QString()));
            continue;
        }
        Credentials::read(host.endpoint.id(), context,
                          [site, host, roles, context, done, sofar](const KeychainResult& r) {
                              SecretsResult next = sofar;
                              next.auth.insert(host.role, authWithSecret(host, r.secret));
                              if (!r.ok)
                                  next.errors << QStringLiteral("%1: %2").arg(host.role, r.error);
                              if (!r.ok || !r.found)
                                  next.missing << host.role;
                              readSecrets(site, roles, context, done, next);
                          });
        return;
    }
    done(sofar);
}

} // namespace myst
