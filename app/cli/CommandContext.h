#pragma once

#include "app/cli/CliOutput.h"
#include "core/journal/Journal.h"
#include "core/plan/Plan.h"
#include "core/session/HostHistory.h"
#include "core/site/Site.h"
#include "core/ssh/SshConnection.h"

#include <QMap>
#include <QObject>
#include <QSet>
#include <QStringList>

#include <functional>
#include <optional>

namespace myst {

// What every command works with: the options of the command line, the output chosen from
// --json, the site file once loaded and the secrets read for its hosts; and the steps commands
// share on the way to a run. A QObject because background work and the keychain report back
// to a context object, and only while it exists.
class CommandContext : public QObject
{
    Q_OBJECT
public:
    CommandContext(QMap<QString, QString> options, QSet<QString> flags, CliOutput& output,
                   QObject* parent = nullptr);

    QString option(const QString& name, const QString& fallback = {}) const
    {
        return m_options.value(name, fallback);
    }
    bool flag(const QString& name) const { return m_flags.contains(name); }
    CliOutput& output() const { return m_output; }
    const Site& site() const { return m_site; }
    const QMap<QString, SshAuth>& auth() const { return m_auth; }

    // Ends the event loop, and with it the process, with this exit code.
    void finish(int exitCode);
    // Reports bad usage or input, then finishes with ExitUsage.
    void usageError(const QString& message);

    // The --site file, and --role when given; says what is wrong (exit 2) and returns false.
    bool loadSite();
    // --yes, or "yes" typed at the terminal; else says why not, finishes and returns false.
    bool confirm(const QString& question);
    // Reads the keychain secrets the given roles need (password auth, encrypted keys), then
    // calls next. Without a keychain the run goes on with what SSH can do without secrets.
    void loadSecrets(QStringList roles, std::function<void()> next);
    // The run named by --run RUN_ID, or by --last the newest one `last` finds for the site
    // (`what` names it in the message when there is none). Says what is wrong, else.
    std::optional<Journal> runFromOptions(std::optional<Journal> (*last)(const QString&),
                                          const QString& what);
    // The site (loaded here) and --role, else the site's default host; says what is wrong.
    std::optional<QString> roleOrDefault();
    // Connects to the role's host in the background (secrets from the keychain) and reads what
    // it knows (HostHistory::read, with an explicit image and backup when given), then calls
    // next; a connection that fails is reported and finishes the command.
    void withHostHistory(const QString& role, const QString& image, const QString& backup,
                         std::function<void(const HostHistory&)> next);
    // Site file + options → the upgrade plan; on bad input reports it (exit 2) and returns none.
    std::optional<Plan> upgradePlanFromOptions();

private:
    const QMap<QString, QString> m_options;
    const QSet<QString> m_flags;
    CliOutput& m_output;
    Site m_site;
    QMap<QString, SshAuth> m_auth;
};

} // namespace myst
