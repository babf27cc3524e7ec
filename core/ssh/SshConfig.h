#pragma once

#include "core/ssh/SshEndpoint.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace myst {

// What ~/.ssh/config (then /etc/ssh/ssh_config) says about one host, read the way OpenSSH reads
// it: `Host` blocks matched against the name given (patterns with * and ?, negation with !),
// `Include`, and for each keyword the first value obtained wins. We read the files ourselves
// instead of letting libssh do it: libssh 0.10 turns ProxyJump into an `ssh -W` subprocess,
// whose host keys and logins would escape our strict checks, our keychain and our GUI.
struct SshConfigEntry
{
    QString hostName; // %h already replaced
    int port = 0;     // 0: not set
    QString user;
    QStringList identityFiles; // ~ and %d %u %h %r %% expanded, in the order given
    QString proxyJump;         // as written: "user@host:port,host2", or "none"
    std::optional<bool> hashKnownHosts;
    QStringList notes; // what was not understood (a Match block, an unreadable Include)
};

struct SshConfigFiles
{
    QString user = QStringLiteral("~/.ssh/config");
    QString system = QStringLiteral("/etc/ssh/ssh_config");
};

SshConfigEntry lookupSshConfig(const QString& name, const SshConfigFiles& files = {});

// The names a `Host` line of the user's file gives without wildcards: what the Hosts page
// offers as completions.
QStringList sshConfigAliases(const SshConfigFiles& files = {});

// One hop of a ProxyJump value: "[user@]host[:port]" or "ssh://[user@]host[:port]".
// Empty when the value is "none"; *error when a hop is not a host name.
std::vector<SshEndpoint> parseProxyJump(const QString& value, QString* error);

// The endpoint as a connection uses it. Without processConfig: as the site says. With it: the
// site overrides only what it sets itself (the port only when the site names one), the rest
// comes from the config (HostName, Port, User, IdentityFile, ProxyJump), and each jump host is
// resolved the same way (its own ProxyJump too, up to a few levels). jumps named by the site
// win over ProxyJump.
SshEndpoint resolveEndpoint(const SshEndpoint& site, const SshConfigFiles& files = {},
                            QStringList* notes = nullptr);

// "user@host:port via a@b:22, c@d:22": what an endpoint resolves to, for the Hosts page and logs.
QString describeRoute(const SshEndpoint& resolved);

} // namespace myst
