#pragma once

#include <QMap>
#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

namespace myst {

// Where and as whom to connect. No secrets: passwords and passphrases travel in SshAuth.
struct SshEndpoint
{
    QString host; // a name, an address, or an alias from ~/.ssh/config (with processConfig)
    int port = 22;
    // False when the site names no port: ~/.ssh/config's Port then applies (with
    // processConfig), else 22. id() keeps using `port`, so keychain entries stay where they are.
    bool portSet = true;
    QString user;
    QString identityFile;       // optional private key file
    QString knownHostsFile;     // explicit; "~" is expanded
    bool processConfig = false; // read ~/.ssh/config and /etc/ssh/ssh_config
    // Write new known_hosts entries hashed, as OpenSSH does with `HashKnownHosts yes` (set
    // from the config when resolving).
    bool hashKnownHosts = false;
    int connectTimeoutSeconds = 15;
    // keepalive@openssh.com requests after this many idle seconds (0: none), so that a NAT or
    // firewall does not drop a session that is quiet during a long start-up; also TCP keepalive.
    int keepaliveSeconds = 30;
    // Jump hosts, outermost first: each is reached through the one before it, the target
    // through the last (a direct-tcpip channel carrying the next SSH session).
    std::vector<SshEndpoint> jumps;

    // "user@host:port": the key under which the keychain holds this endpoint's secret.
    QString id() const { return QStringLiteral("%1@%2:%3").arg(user, host).arg(port); }
};

// One round of keyboard-interactive authentication, as the server sent it.
struct InteractivePrompt
{
    QString text;
    bool echo = false; // false: a secret, typed without echo
};
struct InteractiveChallenge
{
    QString endpointId; // "user@host:port": who is asking
    QString name;
    QString instruction;
    QList<InteractivePrompt> prompts;
};
// Asks the operator (terminal, dialog) on the connection's thread, which waits meanwhile.
// Fills one answer per prompt and returns true, or returns false with *why (cancelled, no
// terminal). Answers are secrets: never stored, never logged.
using InteractiveResponder =
    std::function<bool(const InteractiveChallenge&, QStringList* answers, QString* why)>;

// Secrets for one login; kept in memory only, never logged or written.
struct SshSecrets
{
    QString password;   // for password, and for keyboard-interactive's password prompt only
    QString passphrase; // for the identity file
    bool useAgent = true;
};

// How to log in to a host and to the jump hosts on the way.
struct SshAuth : SshSecrets
{
    // Jump hosts' own secrets, by their id(); a hop not named here uses the agent, its
    // identity file, and prompts.
    QMap<QString, SshSecrets> hops;
    // Asks for what the server wants and nothing stored answers (a one-time code); when
    // unset, defaultInteractiveResponder() is used.
    InteractiveResponder interactive;
    // A jump host with no stored secret that offers only the password method: ask for it
    // through the responder, as ssh would (the MyST host's own password is in the keychain).
    bool askPassword = false;
};

// The process's way of asking the operator: the CLI sets a terminal one, the wizard a dialog.
void setDefaultInteractiveResponder(InteractiveResponder responder);
InteractiveResponder defaultInteractiveResponder();

QString expandHome(const QString& path);

} // namespace myst
