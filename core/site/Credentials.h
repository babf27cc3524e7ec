#pragma once

#include <QObject>
#include <QString>

#include <functional>

namespace myst {

struct KeychainResult
{
    bool ok = false;    // the operation worked (a read that found nothing is ok + !found)
    bool found = false; // read: a secret was stored under the key
    QString secret;     // read: the secret; in memory only
    QString error;      // a message for the user when !ok
};

// Passwords and passphrases in the OS keychain (Secret Service, KWallet, macOS Keychain…)
// through QtKeychain: service "myst-upgrade", key "user@host:port". No insecure fallback: when
// no keychain exists the caller is told, and asks for the secret each time instead.
// Asynchronous: the callback runs on the context object's thread, and not at all once the
// context is destroyed (a closed window cannot be called back).
class Credentials
{
public:
    using Callback = std::function<void(const KeychainResult&)>;
    static constexpr const char* Service = "myst-upgrade";

    static void store(const QString& key, const QString& secret, QObject* context, Callback done);
    static void read(const QString& key, QObject* context, Callback done);
    static void remove(const QString& key, QObject* context, Callback done);
};

} // namespace myst
