#include "app/cli/CliApp.h"

#include "app/cli/JsonLinesOutput.h"
#include "app/cli/Terminal.h"
#include "app/cli/TextOutput.h"
#include "core/base/Background.h"
#include "core/base/ShellQuote.h"
#include "core/base/Validation.h"
#include "core/host/HostLock.h"
#include "core/host/ImageArchive.h"
#include "core/host/Preflight.h"
#include "core/plan/Plan.h"
#include "core/session/RunSession.h"
#include "core/site/Credentials.h"
#include "core/site/SecretLoader.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QLocale>
#include <QTimer>

namespace myst {

namespace {

const char* const Usage = R"(Usage:
  myst-upgrade check    --site SITE [--role ROLE]
  myst-upgrade plan     --site SITE --approach APPROACH --version V [--image-tar FILE] [--role ROLE]
  myst-upgrade upgrade  --site SITE --approach APPROACH --version V [--image-tar FILE] [--role ROLE] [--copy-prod-data [--keep-prod-copy]] --yes
  myst-upgrade rollback --site SITE (--last | --run RUN_ID) [--role ROLE] --yes
  myst-upgrade upload   --site SITE [--role ROLE] --image-tar FILE --yes   # upload, verify, docker load, tag
  myst-upgrade runs
  myst-upgrade resume   --site SITE (--last | --run RUN_ID) --yes   # reattach to / continue an interrupted run
  myst-upgrade unlock   --site SITE [--role ROLE] --yes      # break a stale lock left on a host
  myst-upgrade secret   --site SITE --role ROLE [--delete]   # password/passphrase from stdin → keychain
  myst-upgrade trust    --site SITE --role ROLE --fingerprint SHA256:…   # add the host key if it has that fingerprint
Options: --json (one JSON object per line), --yes (do not ask), --help.
APPROACH: in-place, or phased (hosts nonprod then prod; --copy-prod-data restores
production's backup on non-production first, and removes that copy of production's data
from non-production afterwards unless --keep-prod-copy). --image-tar FILE: an offline image (docker save,
.tar or .tar.gz) uploaded and loaded in place of pull.sh; --version may then be left out. Exit status: 0 ok, 1 a step failed, 2 bad usage or input,
3 host key unknown or changed, 4 cannot connect or authenticate.
)";

// Options that take a value; everything else starting with -- is a flag.
const QSet<QString> ValueOptions = {QStringLiteral("site"),       QStringLiteral("role"),
                                    QStringLiteral("approach"),   QStringLiteral("version"),
                                    QStringLiteral("run"),        QStringLiteral("image-tar"),
                                    QStringLiteral("fingerprint")};
const QSet<QString> FlagOptions = {QStringLiteral("json"),
                                   QStringLiteral("yes"),
                                   QStringLiteral("last"),
                                   QStringLiteral("copy-prod-data"),
                                   QStringLiteral("keep-prod-copy"),
                                   QStringLiteral("delete"),
                                   QStringLiteral("help")};

} // namespace

CliApp::CliApp(QStringList arguments, QObject* parent)
    : QObject(parent), m_args(std::move(arguments)), m_out(stdout)
{
    registerRunnerMetaTypes();
}

void CliApp::start()
{
    QTimer::singleShot(0, this, &CliApp::run);
}

void CliApp::finish(int code)
{
    m_out.flush();
    QCoreApplication::exit(code);
}

int CliApp::usage(const QString& message)
{
    m_output->usageError(message);
    finish(ExitUsage);
    return ExitUsage;
}

void CliApp::run()
{
    // Until --json has been read, and for a command line that cannot be read: text.
    m_output = std::make_unique<TextOutput>();
    QStringList args = m_args.mid(1);
    if (args.isEmpty() || args.first() == QLatin1String("--help") ||
        args.first() == QLatin1String("-h")) {
        m_out << Usage;
        finish(args.isEmpty() ? ExitUsage : ExitOk);
        return;
    }
    if (args.first() == QLatin1String("--version")) {
        m_out << "myst-upgrade " << QCoreApplication::applicationVersion() << '\n';
        finish(ExitOk);
        return;
    }
    m_command = args.takeFirst();
    for (int i = 0; i < args.size(); ++i) {
        const QString a = args.at(i);
        if (!a.startsWith(QLatin1String("--"))) {
            usage(QStringLiteral("unexpected argument \"%1\"").arg(a));
            return;
        }
        QString name = a.mid(2);
        QString value;
        const int eq = name.indexOf(QLatin1Char('='));
        if (eq >= 0) {
            value = name.mid(eq + 1);
            name = name.left(eq);
        }
        if (ValueOptions.contains(name)) {
            if (eq < 0) {
                if (i + 1 >= args.size()) {
                    usage(QStringLiteral("--%1 needs a value").arg(name));
                    return;
                }
                value = args.at(++i);
            }
            m_options.insert(name, value);
        } else if (FlagOptions.contains(name) && eq < 0) {
            m_flags.insert(name);
        } else {
            usage(QStringLiteral("unknown option --%1").arg(name));
            return;
        }
    }
    if (m_flags.contains(QStringLiteral("json"))) {
        m_output = std::make_unique<JsonLinesOutput>();
    }
    if (m_flags.contains(QStringLiteral("help"))) {
        m_out << Usage;
        finish(ExitOk);
        return;
    }
    if (m_command == QLatin1String("check"))
        cmdCheck();
    else if (m_command == QLatin1String("plan"))
        cmdPlan();
    else if (m_command == QLatin1String("upgrade"))
        cmdUpgrade();
    else if (m_command == QLatin1String("rollback"))
        cmdRollback();
    else if (m_command == QLatin1String("runs"))
        cmdRuns();
    else if (m_command == QLatin1String("secret"))
        cmdSecret();
    else if (m_command == QLatin1String("upload"))
        cmdUpload();
    else if (m_command == QLatin1String("resume"))
        cmdResume();
    else if (m_command == QLatin1String("unlock"))
        cmdUnlock();
    else if (m_command == QLatin1String("trust"))
        cmdTrust();
    else
        usage(QStringLiteral("unknown command \"%1\"\n%2")
                  .arg(m_command, QString::fromLatin1(Usage)));
}

bool CliApp::loadSite(const QString& path)
{
    if (path.isEmpty()) {
        usage(QStringLiteral("--site SITE is required"));
        return false;
    }
    QStringList errors;
    m_site = Site::load(path, &errors);
    if (!errors.isEmpty()) {
        usage(QStringLiteral("the site file is not usable:\n  ") +
              errors.join(QStringLiteral("\n  ")));
        return false;
    }
    const QString role = m_options.value(QStringLiteral("role"));
    if (!role.isEmpty() && !m_site.hosts.contains(role)) {
        usage(QStringLiteral("the site file has no host with role \"%1\" (it has: %2)")
                  .arg(role, m_site.hosts.keys().join(QStringLiteral(", "))));
        return false;
    }
    return true;
}

bool CliApp::confirm(const QString& question)
{
    if (m_flags.contains(QStringLiteral("yes"))) {
        return true;
    }
    if (!terminal::stdinIsTerminal()) {
        usage(QStringLiteral("this changes the host; pass --yes to confirm (stdin is not a "
                             "terminal, so I cannot ask)"));
        return false;
    }
    const std::optional<QByteArray> answer =
        terminal::readLine(question + QStringLiteral(" Type yes to continue: "), 64);
    if (!answer || answer->trimmed() != "yes") {
        m_output->warning(QStringLiteral("Not confirmed; nothing was changed."));
        finish(ExitUsage);
        return false;
    }
    return true;
}

// ---- check ---------------------------------------------------------------------------------

void CliApp::cmdCheck()
{
    if (!loadSite(m_options.value(QStringLiteral("site")))) {
        return;
    }
    const QString role = m_options.value(QStringLiteral("role"));
    const QStringList roles = role.isEmpty() ? m_site.hosts.keys() : QStringList{role};
    loadSecrets(roles, [this, roles] { checkNextRole(roles, ExitOk); });
}

void CliApp::loadSecrets(QStringList roles, std::function<void()> next)
{
    readSecrets(m_site, roles, this, [this, next](const SecretsResult& secrets) {
        for (auto it = secrets.auth.begin(); it != secrets.auth.end(); ++it)
            m_auth.insert(it.key(), it.value());
        for (const QString& error : secrets.errors)
            m_output->warning(error);
        for (const QString& role : secrets.missing) {
            if (secrets.errors.filter(role + QLatin1Char(':')).isEmpty())
                m_output->warning(
                    QStringLiteral("%1: no password or passphrase is stored in the keychain for "
                                   "%2; save one from the wizard (Hosts page, \"Remember in the "
                                   "keychain\") or with: myst-upgrade secret --site %3 --role %1")
                        .arg(role, m_site.hosts.value(role).endpoint.id(),
                             shellQuote(m_site.path)));
        }
        next();
    });
}

void CliApp::checkNextRole(QStringList roles, int worst)
{
    if (roles.isEmpty()) {
        m_output->checkFinished(worst);
        finish(worst);
        return;
    }
    const SiteHost host = m_site.hosts.value(roles.takeFirst());
    const RunSettings settings = m_site.settings;
    const SshAuth auth = m_auth.value(host.role);
    runInBackground<PreflightResult>(
        this, [host, settings, auth] { return runPreflight(host, settings, auth); },
        [this, roles, worst, host](PreflightResult result) {
            int code = worst;
            m_output->message(QStringLiteral("%1 (%2)").arg(host.role, host.endpoint.id()));
            for (const CheckItem& item : result.items)
                m_output->checkItem(item);
            if (!result.connection.ok()) {
                code = qMax(code, exitCodeFor(result.connection.error));
                if (result.connection.error == SshError::HostKeyUnknown) {
                    m_output->message(
                        QStringLiteral("  Compare %1 with the host's own (ssh-keygen -lf "
                                       "/etc/ssh/ssh_host_ed25519_key.pub, on the host); if they "
                                       "match, trust it with:\n    %2")
                            .arg(result.connection.fingerprint,
                                 trustAdvice(host.role, result.connection.fingerprint)));
                }
            } else if (!result.passed()) {
                code = qMax(code, int(ExitStepFailed));
            }
            checkNextRole(roles, code);
        });
}

// ---- plan / upgrade ------------------------------------------------------------------------

UpgradeRequest CliApp::upgradeRequest() const
{
    UpgradeRequest request;
    request.approach = m_options.value(QStringLiteral("approach"));
    request.version = m_options.value(QStringLiteral("version"));
    request.role = m_options.value(QStringLiteral("role"));
    request.imageArchive = m_options.value(QStringLiteral("image-tar"));
    request.copyProdData = m_flags.contains(QStringLiteral("copy-prod-data"));
    request.keepProdCopy = m_flags.contains(QStringLiteral("keep-prod-copy"));
    return request;
}

std::optional<Plan> CliApp::upgradePlanFromOptions()
{
    if (!loadSite(m_options.value(QStringLiteral("site")))) {
        return std::nullopt;
    }
    Plan plan;
    QString error;
    if (!RunSession::planUpgrade(m_site, upgradeRequest(), &plan, &error)) {
        usage(error);
        return std::nullopt;
    }
    return plan;
}

void CliApp::cmdPlan()
{
    const std::optional<Plan> planned = upgradePlanFromOptions();
    if (!planned) {
        return;
    }
    const Plan& plan = *planned;
    m_output->message(QStringLiteral("Plan: %1 upgrade to MyST Studio %2 (nothing is run)")
                          .arg(plan.approach, plan.targetVersion));
    for (int i = 0; i < plan.steps.size(); ++i)
        m_output->plannedStep(i, plan.steps.at(i));
    m_output->planFinished();
    finish(ExitOk);
}

void CliApp::cmdUpgrade()
{
    const std::optional<Plan> planned = upgradePlanFromOptions();
    if (!planned) {
        return;
    }
    const Plan plan = *planned;
    const QStringList roles = plan.roles();
    QStringList where;
    for (const QString& role : roles)
        where << QStringLiteral("%1 (%2)").arg(role, m_site.hosts.value(role).endpoint.id());
    if (!confirm(
            QStringLiteral("Upgrade MyST Studio on %1 to %2 (%3)? This stops the service.")
                .arg(where.join(QStringLiteral(" then ")), plan.targetVersion, plan.approach))) {
        return;
    }
    loadSecrets(roles, [this, plan] { runPlan(plan, RunSession::newJournal(plan)); });
}

// ---- upload --------------------------------------------------------------------------------

void CliApp::cmdUpload()
{
    if (!loadSite(m_options.value(QStringLiteral("site")))) {
        return;
    }
    const QString path = m_options.value(QStringLiteral("image-tar"));
    if (path.isEmpty()) {
        usage(QStringLiteral("--image-tar FILE is required"));
        return;
    }
    OfflineImage offline;
    QString error;
    QString version;
    if (!RunSession::readOfflineImage(path, &offline, &error) ||
        !offlineVersion(offline, m_options.value(QStringLiteral("version")), &version, &error)) {
        usage(error);
        return;
    }
    offline.version = version;
    const QString role = m_options.value(QStringLiteral("role"), m_site.defaultRole());
    if (!m_site.hosts.contains(role)) {
        usage(QStringLiteral("name the host with --role (the site has: %1)")
                  .arg(m_site.hosts.keys().join(QStringLiteral(", "))));
        return;
    }
    const SiteHost host = m_site.hosts.value(role);
    const Plan plan = uploadPlan(host, offline);
    m_output->message(QStringLiteral("%1: image %2, MyST Studio %3, tags %4, %5 layers, %6")
                          .arg(QFileInfo(path).fileName(), offline.imageId.left(19),
                               offline.version, offline.repoTags.join(QStringLiteral(", ")))
                          .arg(offline.layers)
                          .arg(QLocale::c().formattedDataSize(offline.size)));
    if (!confirm(QStringLiteral("Upload it to %1 (%2), load it and tag it myst-studio? The running "
                                "service is not restarted.")
                     .arg(role, host.endpoint.id()))) {
        return;
    }
    loadSecrets({role}, [this, plan] { runPlan(plan, RunSession::newJournal(plan)); });
}

// ---- rollback ------------------------------------------------------------------------------

std::optional<Journal> CliApp::runFromOptions(std::optional<Journal> (*last)(const QString&),
                                              const QString& what)
{
    const bool wantLast = m_flags.contains(QStringLiteral("last"));
    const QString runId = m_options.value(QStringLiteral("run"));
    if (wantLast == !runId.isEmpty()) {
        usage(QStringLiteral("give exactly one of --last or --run RUN_ID"));
        return std::nullopt;
    }
    QString error;
    std::optional<Journal> run = wantLast ? last(m_site.path) : Journal::loadRun(runId, &error);
    if (!run) {
        usage(
            wantLast
                ? QStringLiteral("no %1 of this site is in the journal (%2)").arg(what, m_site.path)
                : error);
    }
    return run;
}

void CliApp::cmdRollback()
{
    if (!loadSite(m_options.value(QStringLiteral("site")))) {
        return;
    }
    const std::optional<Journal> source =
        runFromOptions(&Journal::lastUpgrade, QStringLiteral("upgrade"));
    if (!source) {
        return;
    }
    if (source->kind != QLatin1String("upgrade")) {
        usage(QStringLiteral("run %1 is a %2, not an upgrade").arg(source->runId, source->kind));
        return;
    }
    const QString role =
        RunSession::rollbackRole(*source, m_site, m_options.value(QStringLiteral("role")));
    QString error;
    Plan plan;
    if (!RunSession::planRollback(m_site, *source, role, &plan, &error)) {
        usage(m_site.hosts.contains(role) ? QStringLiteral("run %1: %2").arg(source->runId, error)
                                          : error);
        return;
    }
    const HostRecord record = source->records.value(role);
    if (!confirm(QStringLiteral(
                     "Roll back %1 to image %2 and restore %3? Changes made since %4 will be lost.")
                     .arg(role, record.previousImageId.left(19), record.backupPath,
                          source->started.toLocalTime().toString(Qt::ISODate)))) {
        return;
    }
    const QString sourceId = source->runId;
    loadSecrets({role},
                [this, plan, sourceId] { runPlan(plan, RunSession::newJournal(plan, sourceId)); });
}

// ---- resume and unlock ---------------------------------------------------------------------

void CliApp::cmdResume()
{
    if (!loadSite(m_options.value(QStringLiteral("site")))) {
        return;
    }
    const std::optional<Journal> run =
        runFromOptions(&Journal::lastUnfinished, QStringLiteral("unfinished run"));
    if (!run) {
        return;
    }
    if (!run->isUnfinished()) {
        usage(QStringLiteral("run %1 has ended (%2): there is nothing to resume%3")
                  .arg(run->runId, run->status,
                       run->kind == QLatin1String("upgrade") &&
                               run->status != QLatin1String("succeeded")
                           ? QStringLiteral("; to undo it: myst-upgrade rollback --site %1 --run "
                                            "%2 --yes")
                                 .arg(shellQuote(m_site.path), run->runId)
                           : QString()));
        return;
    }
    if (run->ownerIsAlive()) {
        usage(QStringLiteral("run %1 is still running in process %2 on this computer; resume it "
                             "only once that process has ended")
                  .arg(run->runId)
                  .arg(run->pid));
        return;
    }
    QString error;
    const std::optional<Plan> plan = RunSession::planResume(*run, m_site, &error);
    if (!plan) {
        usage(error);
        return;
    }
    const QStringList roles = plan->roles();
    const QString where = RunSession::resumePoint(*run).text;
    if (!confirm(QStringLiteral("Resume run %1 (%2, %3) at %4?")
                     .arg(run->runId, run->kind, run->status, where))) {
        return;
    }
    m_output->message(QStringLiteral("Resuming run %1 at %2").arg(run->runId, where));
    const Journal journal = *run;
    const Plan resumed = *plan;
    loadSecrets(roles,
                [this, resumed, journal] { runPlan(resumed, journal, Runner::Mode::Resume); });
}

void CliApp::cmdUnlock()
{
    if (!loadSite(m_options.value(QStringLiteral("site")))) {
        return;
    }
    QString role = m_options.value(QStringLiteral("role"));
    if (role.isEmpty()) {
        role = m_site.defaultRole();
    }
    if (!m_site.hosts.contains(role)) {
        usage(QStringLiteral("give --role ROLE (the site has: %1)")
                  .arg(m_site.hosts.keys().join(QStringLiteral(", "))));
        return;
    }
    if (!confirm(QStringLiteral("Break the upgrade lock on %1? Only when no other wizard is "
                                "working on it.")
                     .arg(role))) {
        return;
    }
    loadSecrets({role}, [this, role] {
        const SiteHost host = m_site.hosts.value(role);
        const SshAuth auth = m_auth.value(role);
        struct Outcome
        {
            SshStatus connection;
            LockResult lock;
        };
        runInBackground<Outcome>(
            this,
            [host, auth] {
                Outcome out;
                SshConnection connection(host.endpoint);
                out.connection = connection.open(auth);
                if (out.connection.ok()) {
                    out.lock = HostLock::breakLock(connection, host.mystHome);
                }
                return out;
            },
            [this](Outcome out) {
                const int code = !out.connection.ok() ? exitCodeFor(out.connection.error)
                                 : out.lock.ok        ? int(ExitOk)
                                                      : int(ExitStepFailed);
                const QString message =
                    out.connection.ok() ? out.lock.message : out.connection.message;
                m_output->unlockFinished(code, out.lock.holder.line(), message);
                if (code != ExitOk) {
                    m_output->warning(message);
                }
                finish(code);
            });
    });
}

// ---- running a plan ------------------------------------------------------------------------

void CliApp::runPlan(const Plan& plan, Journal journal, Runner::Mode mode)
{
    const QString runId = journal.runId;
    m_runner = new Runner(m_site, plan, journal, this, mode);
    // The operator confirmed (--yes or at the prompt); a failed non-production verify still
    // stops the run before production, as every failed step does.
    m_runner->setAutoApproveGates(true);
    for (auto it = m_auth.begin(); it != m_auth.end(); ++it) {
        m_runner->setAuth(it.key(), it.value());
    }
    const int total = plan.steps.size();
    m_output->message(QStringLiteral("Run %1: %2 (%3), journal %4")
                          .arg(runId, plan.kind, plan.approach, journal.filePath()));
    CliOutput* output = m_output.get();
    connect(m_runner, &Runner::stepStarted, this,
            [output, total](int i, const StepRecord& s) { output->stepStarted(i, total, s); });
    connect(m_runner, &Runner::output, this,
            [output](int i, OutputStream stream, const QString& line) {
                output->stepOutput(i, stream, line);
            });
    connect(m_runner, &Runner::captured, this,
            [output](const QString& role, const QString& key, const QString& value) {
                output->captured(role, key, value);
            });
    connect(m_runner, &Runner::uploadProgress, this,
            [output](int i, const QString& role, const TransferProgress& p) {
                output->uploadProgress(i, role, p);
            });
    connect(m_runner, &Runner::stepFinished, this,
            [output](int i, const StepRecord& s) { output->stepFinished(i, s); });
    connect(m_runner, &Runner::finished, this, [this](const RunResult& r) {
        int code = ExitOk;
        if (!r.ok) {
            code = r.connectionError != SshError::None ? exitCodeFor(r.connectionError)
                                                       : int(ExitStepFailed);
        }
        m_output->runFinished(r, code);
        // stderr is for people in both modes: a script may be reading stdout.
        if (!r.ok) {
            m_output->warning(r.message);
        }
        finish(code);
    });
    m_runner->start();
}

// ---- runs ----------------------------------------------------------------------------------

void CliApp::cmdRuns()
{
    const QList<Journal> runs = Journal::loadAll();
    for (const Journal& j : runs)
        m_output->listedRun(j);
    m_output->runsListed(int(runs.size()));
    finish(ExitOk);
}

// ---- secret --------------------------------------------------------------------------------

void CliApp::cmdSecret()
{
    if (!loadSite(m_options.value(QStringLiteral("site")))) {
        return;
    }
    const QString role = m_options.value(QStringLiteral("role"));
    if (role.isEmpty()) {
        usage(QStringLiteral("--role ROLE is required"));
        return;
    }
    const QString key = m_site.hosts.value(role).endpoint.id();
    auto done = [this, key](const KeychainResult& r) {
        if (!r.ok) {
            m_output->warning(r.error);
            finish(ExitStepFailed);
            return;
        }
        m_output->message(QStringLiteral("Keychain updated for %1.").arg(key));
        finish(ExitOk);
    };
    if (m_flags.contains(QStringLiteral("delete"))) {
        Credentials::remove(key, this, done);
        return;
    }
    // From stdin, never from an argument (arguments are visible to every user in ps).
    const std::optional<QByteArray> secret = terminal::readSecretLine(
        QStringLiteral("Password or passphrase for %1 (not echoed): ").arg(key), 1024);
    if (!secret || secret->isEmpty()) {
        usage(QStringLiteral("no secret on standard input"));
        return;
    }
    Credentials::store(key, QString::fromUtf8(*secret), this, done);
}

} // namespace myst
