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

bool jumpNeedsSecret(const SiteJump& jump)
{
    return jump.auth == AuthMethod::Password ||
           (jump.auth == AuthMethod::Key && !jump.endpoint.identityFile.isEmpty() &&
            keyNeedsPassphrase(jump.endpoint.identityFile));
}

SshSecrets secretsFor(const QString& method, const QString& secret)
{
    SshSecrets s;
    s.useAgent = method != AuthMethod::Password;
    (method == AuthMethod::Password ? s.password : s.passphrase) = secret;
    return s;
}

SshAuth authWithSecret(const SiteHost& host, const QString& secret)
{
    SshAuth auth;
    static_cast<SshSecrets&>(auth) = secretsFor(host.auth, secret);
    return auth;
}

namespace {

// The jump hosts' secrets of one role, one after the other, into sofar.auth[role].hops.
void readJumpSecrets(const SiteHost& host, int index, QObject* context,
                     std::function<void(const SecretsResult&)> next, SecretsResult sofar)
{
    for (; index < host.jumps.size(); ++index) {
        const SiteJump jump = host.jumps.at(index);
        if (!jumpNeedsSecret(jump)) {
            sofar.auth[host.role].hops.insert(jump.endpoint.id(), secretsFor(jump.auth, QString()));
            continue;
        }
        Credentials::read(jump.endpoint.id(), context,
                          [host, index, jump, context, next, sofar](const KeychainResult& r) {
                              SecretsResult more = sofar;
                              more.auth[host.role].hops.insert(jump.endpoint.id(),
                                                               secretsFor(jump.auth, r.secret));
                              const QString who =
                                  QStringLiteral("%1: %2").arg(host.role, jump.endpoint.id());
                              if (!r.ok)
                                  more.errors << QStringLiteral("%1: %2").arg(who, r.error);
                              if (!r.ok || !r.found)
                                  more.missingJumps << who;
                              readJumpSecrets(host, index + 1, context, next, more);
                          });
        return;
    }
    next(sofar);
}

} // namespace

void readSecrets(const Site& site, QStringList roles, QObject* context,
                 std::function<void(const SecretsResult&)> done, SecretsResult sofar)
{
    while (!roles.isEmpty()) {
        const SiteHost host = site.hosts.value(roles.takeFirst());
        auto rest = [site, roles, context, done](const SecretsResult& next) {
            readSecrets(site, roles, context, done, next);
        };
        if (!hostNeedsSecret(host)) {
            sofar.auth.insert(host.role, authWithSecret(host, QString()));
            readJumpSecrets(host, 0, context, rest, sofar);
            return;
        }
        Credentials::read(host.endpoint.id(), context,
                          [host, context, rest, sofar](const KeychainResult& r) {
                              SecretsResult next = sofar;
                              next.auth.insert(host.role, authWithSecret(host, r.secret));
                              if (!r.ok)
                                  next.errors << QStringLiteral("%1: %2").arg(host.role, r.error);
                              if (!r.ok || !r.found)
                                  next.missing << host.role;
                              readJumpSecrets(host, 0, context, rest, next);
                          });
        return;
    }
    done(sofar);
}

} // namespace myst
