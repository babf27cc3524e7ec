#include "app/cli/CommandContext.h"

#include "app/cli/ExitCode.h"
#include "app/cli/Terminal.h"
#include "core/base/Background.h"
#include "core/base/ShellQuote.h"
#include "core/session/RunSession.h"
#include "core/site/SecretLoader.h"

#include <QCoreApplication>

namespace myst {

CommandContext::CommandContext(QMap<QString, QString> options, QSet<QString> flags,
                               CliOutput& output, QObject* parent)
    : QObject(parent), m_options(std::move(options)), m_flags(std::move(flags)), m_output(output)
{
}

void CommandContext::finish(int exitCode)
{
    QCoreApplication::exit(exitCode);
}

void CommandContext::usageError(const QString& message)
{
    m_output.usageError(message);
    finish(ExitUsage);
}

bool CommandContext::loadSite()
{
    const QString path = option(QStringLiteral("site"));
    if (path.isEmpty()) {
        usageError(QStringLiteral("--site SITE is required"));
        return false;
    }
    QStringList errors;
    m_site = Site::load(path, &errors);
    if (!errors.isEmpty()) {
        usageError(QStringLiteral("the site file is not usable:\n  ") +
                   errors.join(QStringLiteral("\n  ")));
        return false;
    }
    const QString role = option(QStringLiteral("role"));
    if (!role.isEmpty() && !m_site.hosts.contains(role)) {
        usageError(QStringLiteral("the site file has no host with role \"%1\" (it has: %2)")
                       .arg(role, m_site.hosts.keys().join(QStringLiteral(", "))));
        return false;
    }
    return true;
}

bool CommandContext::confirm(const QString& question)
{
    if (flag(QStringLiteral("yes"))) {
        return true;
    }
    if (!terminal::stdinIsTerminal()) {
        usageError(QStringLiteral("this changes the host; pass --yes to confirm (stdin is not a "
                                  "terminal, so I cannot ask)"));
        return false;
    }
    const std::optional<QByteArray> answer =
        terminal::readLine(question + QStringLiteral(" Type yes to continue: "), 64);
    if (!answer || answer->trimmed() != "yes") {
        m_output.warning(QStringLiteral("Not confirmed; nothing was changed."));
        finish(ExitUsage);
        return false;
    }
    return true;
}

void CommandContext::loadSecrets(QStringList roles, std::function<void()> next)
{
    readSecrets(m_site, roles, this, [this, next](const SecretsResult& secrets) {
        for (auto it = secrets.auth.begin(); it != secrets.auth.end(); ++it)
            m_auth.insert(it.key(), it.value());
        for (const QString& error : secrets.errors)
            m_output.warning(error);
        for (const QString& role : secrets.missing) {
            // A keychain that could not be read was reported above, in its own words.
            if (secrets.errors.filter(role + QLatin1Char(':')).isEmpty())
                m_output.warning(
                    QStringLiteral("%1: no password or passphrase is stored in the keychain for "
                                   "%2; save one from the wizard (Hosts page, \"Remember in the "
                                   "keychain\") or with: myst-upgrade secret --site %3 --role %1")
                        .arg(role, m_site.hosts.value(role).endpoint.id(),
                             shellQuote(m_site.path)));
        }
        for (const QString& jump : secrets.missingJumps) {
            // A jump host without its secret still gets a chance: its prompts come here.
            m_output.warning(QStringLiteral("%1: no password or passphrase is stored for this jump "
                                            "host; store it with: myst-upgrade secret --site %2 "
                                            "--role ROLE --jump N")
                                 .arg(jump, shellQuote(m_site.path)));
        }
        next();
    });
}

std::optional<Journal>
CommandContext::runFromOptions(std::optional<Journal> (*last)(const QString&), const QString& what)
{
    const bool wantLast = flag(QStringLiteral("last"));
    const QString runId = option(QStringLiteral("run"));
    if (wantLast == !runId.isEmpty()) {
        usageError(QStringLiteral("give exactly one of --last or --run RUN_ID"));
        return std::nullopt;
    }
    QString error;
    std::optional<Journal> run = wantLast ? last(m_site.path) : Journal::loadRun(runId, &error);
    if (!run) {
        usageError(
            wantLast
                ? QStringLiteral("no %1 of this site is in the journal (%2)").arg(what, m_site.path)
                : error);
    }
    return run;
}

std::optional<QString> CommandContext::roleOrDefault()
{
    if (m_site.path.isEmpty() && !loadSite()) {
        return std::nullopt;
    }
    const QString role = option(QStringLiteral("role"), m_site.defaultRole());
    if (role.isEmpty() || !m_site.hosts.contains(role)) {
        usageError(QStringLiteral("give --role ROLE (the site has: %1)")
                       .arg(m_site.hosts.keys().join(QStringLiteral(", "))));
        return std::nullopt;
    }
    return role;
}

void CommandContext::withHostHistory(const QString& role, const QString& image,
                                     const QString& backup,
                                     std::function<void(const HostHistory&)> next)
{
    loadSecrets({role}, [this, role, image, backup, next] {
        const SiteHost host = m_site.hosts.value(role);
        const SshAuth auth = m_auth.value(role);
        runInBackground<HostHistory>(
            this,
            [host, auth, image, backup] { return HostHistory::read(host, auth, image, backup); },
            [this, next](HostHistory history) {
                if (!history.connection.ok()) {
                    m_output.warning(history.connection.message);
                    finish(exitCodeFor(history.connection.error));
                    return;
                }
                next(history);
            });
    });
}

std::optional<Plan> CommandContext::upgradePlanFromOptions()
{
    if (!loadSite()) {
        return std::nullopt;
    }
    UpgradeRequest request;
    request.approach = option(QStringLiteral("approach"));
    request.version = option(QStringLiteral("version"));
    request.role = option(QStringLiteral("role"));
    request.imageArchive = option(QStringLiteral("image-tar"));
    request.copyProdData = flag(QStringLiteral("copy-prod-data"));
    request.keepProdCopy = flag(QStringLiteral("keep-prod-copy"));
    Plan plan;
    QString error;
    if (!RunSession::planUpgrade(m_site, request, &plan, &error)) {
        usageError(error);
        return std::nullopt;
    }
    return plan;
}

} // namespace myst
