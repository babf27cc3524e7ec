#pragma once

#include <QString>

namespace myst {

// Where and as whom to connect. No secrets: passwords and passphrases travel in SshAuth.
struct SshEndpoint
{
    QString host; // a name, an address, or an alias from ~/.ssh/config (with processConfig)
    int port = 22;
    QString user;
    QString identityFile;       // optional private key file
    QString knownHostsFile;     // explicit; "~" is expanded
    bool processConfig = false; // read ~/.ssh/config and /etc/ssh/ssh_config
    int connectTimeoutSeconds = 15;
    int keepaliveSeconds = 30;

    // "user@host:port": the key under which the keychain holds this endpoint's secret.
    QString id() const { return QStringLiteral("%1@%2:%3").arg(user, host).arg(port); }
};

// Secrets for one connection attempt; kept in memory only, never logged or written.
struct SshAuth
{
    QString password;   // for password and keyboard-interactive
    QString passphrase; // for the identity file
    bool useAgent = true;
};

QString expandHome(const QString& path);

} // namespace myst
