#include "app/cli/commands/Commands.h"

#include "app/cli/ExitCode.h"
#include "app/cli/Terminal.h"
#include "core/site/Credentials.h"

namespace myst::commands {

void secret(CommandContext& context)
{
    if (!context.loadSite()) {
        return;
    }
    const QString role = context.option(QStringLiteral("role"));
    if (role.isEmpty()) {
        context.usageError(QStringLiteral("--role ROLE is required"));
        return;
    }
    const QString key = context.site().hosts.value(role).endpoint.id();
    auto done = [&context, key](const KeychainResult& result) {
        if (!result.ok) {
            context.output().warning(result.error);
            context.finish(ExitStepFailed);
            return;
        }
        context.output().message(QStringLiteral("Keychain updated for %1.").arg(key));
        context.finish(ExitOk);
    };
    if (context.flag(QStringLiteral("delete"))) {
        Credentials::remove(key, &context, done);
        return;
    }
    // From stdin, never from an argument (arguments are visible to every user in ps).
    const std::optional<QByteArray> secret = terminal::readSecretLine(
        QStringLiteral("Password or passphrase for %1 (not echoed): ").arg(key), 1024);
    if (!secret || secret->isEmpty()) {
        context.usageError(QStringLiteral("no secret on standard input"));
        return;
    }
    Credentials::store(key, QString::fromUtf8(*secret), &context, done);
}

} // namespace myst::commands
