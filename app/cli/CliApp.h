#pragma once

#include "app/cli/CliOutput.h"
#include "app/cli/ExitCode.h"
#include "core/journal/Journal.h"
#include "core/run/Runner.h"
#include "core/session/RunSession.h"
#include "core/site/Site.h"

#include <QObject>
#include <QStringList>
#include <QTextStream>

#include <functional>
#include <memory>
#include <optional>

namespace myst {

// `myst-upgrade`: parses one command, runs it on the core, prints human text or JSON lines,
// and ends the event loop with the contract's exit code.
class CliApp : public QObject
{
    Q_OBJECT
public:
    explicit CliApp(QStringList arguments, QObject* parent = nullptr);
    void start(); // queued: call, then QCoreApplication::exec()

private:
    void run();
    void finish(int code);
    int usage(const QString& message);

    void cmdCheck();
    void cmdPlan();
    void cmdUpgrade();
    void cmdRollback();
    void cmdRuns();
    void cmdSecret();
    void cmdUpload();
    void cmdResume();
    void cmdUnlock();
    void cmdTrust(); // CliTrust.cpp
    // The `trust` command line to paste for a host whose key is unknown, quoted.
    QString trustAdvice(const QString& role, const QString& fingerprint) const;

    bool loadSite(const QString& path);
    UpgradeRequest upgradeRequest() const; // the options, as the session takes them
    // Site file + options → the upgrade plan; on bad input reports it (exit 2) and returns none.
    std::optional<Plan> upgradePlanFromOptions();
    bool confirm(const QString& question);
    void runPlan(const Plan& plan, Journal journal, Runner::Mode mode = Runner::Mode::Fresh);
    void checkNextRole(QStringList roles, int worst);
    // Reads the keychain secrets the given roles need (password auth, encrypted keys), then
    // calls next. Without a keychain the run goes on with what SSH can do without secrets.
    void loadSecrets(QStringList roles, std::function<void()> next);
    // The run named by --run RUN_ID, or by --last the newest one `last` finds for the site
    // (`what` names it in the message when there is none). Says what is wrong, else.
    std::optional<Journal> runFromOptions(std::optional<Journal> (*last)(const QString&),
                                          const QString& what);

    QStringList m_args;
    QString m_command;
    QMap<QString, QString> m_options;
    QSet<QString> m_flags;
    std::unique_ptr<CliOutput> m_output; // chosen from --json
    Site m_site;
    Runner* m_runner = nullptr;
    QMap<QString, SshAuth> m_auth;
    QTextStream m_out; // the usage text and the version
};

} // namespace myst
