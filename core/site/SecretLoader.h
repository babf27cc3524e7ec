#pragma once

#include "core/site/Site.h"
#include "core/ssh/SshConnection.h"

#include <QMap>
#include <QObject>
#include <QStringList>

#include <functional>

namespace myst {

// Whether connecting to this host needs a secret: a password, or the passphrase of an
// encrypted key file (the agent and plain key files need none).
bool hostNeedsSecret(const SiteHost& host);
bool jumpNeedsSecret(const SiteJump& jump);
// The authentication for a host given its secret (password or passphrase, by the host's auth).
SshAuth authWithSecret(const SiteHost& host, const QString& secret);
SshSecrets secretsFor(const QString& auth, const QString& secret);

struct SecretsResult
{
    QMap<QString, SshAuth> auth; // per role: what to connect with
    QStringList missing;         // roles that need a secret the keychain does not hold
    QStringList missingJumps;    // "role: user@jump:22": a jump host's secret, not held
    QStringList errors;          // the keychain could not be read (one message per role)
};

// Reads from the keychain the secrets the given roles need (their jump hosts' too, stored
// under the jump host's own id), one after the other, and calls
// `done` on the context's thread. Roles that need no secret get their default authentication.
// Used wherever a run starts without the Hosts page: the CLI, resume, rollback from the start.
void readSecrets(const Site& site, QStringList roles, QObject* context,
                 std::function<void(const SecretsResult&)> done, SecretsResult sofar = {});

} // namespace myst
