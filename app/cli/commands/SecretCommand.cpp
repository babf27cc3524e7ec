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
    const SiteHost host = context.site().hosts.value(role);
    QString key = host.endpoint.id();
    const QString jump = context.option(QStringLiteral("jump"));
    if (!jump.isEmpty()) {
        // A jump host's secret lives under its own id, shared by every host behind it.
        bool number = false;
        const int n = jump.toInt(&number);
        if (!number || n < 1 || n > host.jumps.size()) {
            context.usageError(QStringLiteral("--jump N: the site names %1 jump host(s) for %2")
                                   .arg(host.jumps.size())
                                   .arg(role));
            return;
        }
        key = host.jumps.at(n - 1).endpoint.id();
    }
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
