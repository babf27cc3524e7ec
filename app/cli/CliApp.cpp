#include "app/cli/CliApp.h"

#include "app/cli/Terminal.h"
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
#include <QJsonDocument>
#include <QLocale>
#include <QTimer>

#include <cstdio>
#include <unistd.h>

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

QString progressText(const TransferProgress& p)
{
    const QLocale c = QLocale::c();
    QString text = QStringLiteral("%1 of %2 (%3%)")
                       .arg(c.formattedDataSize(p.done), c.formattedDataSize(p.total))
                       .arg(p.total > 0 ? p.done * 100 / p.total : 100);
    if (p.bytesPerSecond > 0) {
        text += QStringLiteral(", %1/s").arg(c.formattedDataSize(qint64(p.bytesPerSecond)));
    }
    if (p.etaSeconds > 0) {
        text += QStringLiteral(", %1 s left").arg(qRound(p.etaSeconds));
    }
    return text + QStringLiteral("    ");
}

QString seconds(const QDateTime& a, const QDateTime& b)
{
    return QString::number(a.msecsTo(b) / 1000.0, 'f', 1) + QStringLiteral(" s");
}

} // namespace

CliApp::CliApp(QStringList arguments, QObject* parent)
    : QObject(parent), m_args(std::move(arguments)), m_out(stdout), m_err(stderr)
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
    m_err.flush();
    QCoreApplication::exit(code);
}

int CliApp::usage(const QString& message)
{
    if (m_json) {
        emitEvent({{QStringLiteral("event"), QStringLiteral("result")},
                   {QStringLiteral("status"), QStringLiteral("usage")},
                   {QStringLiteral("exitCode"), ExitUsage},
                   {QStringLiteral("message"), message}});
    }
    warn(QStringLiteral("myst-upgrade: ") + message);
    finish(ExitUsage);
    return ExitUsage;
}

void CliApp::emitEvent(const QJsonObject& object)
{
    m_out << QJsonDocument(object).toJson(QJsonDocument::Compact) << '\n';
    m_out.flush();
}

void CliApp::say(const QString& text)
{
    if (!m_json) {
        m_out << terminal::plainLines(text) << '\n';
        m_out.flush();
    }
}

void CliApp::warn(const QString& text)
{
    m_err << terminal::plainLines(text) << '\n';
    m_err.flush();
}

void CliApp::run()
{
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
    m_json = m_flags.contains(QStringLiteral("json"));
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
        warn(QStringLiteral("Not confirmed; nothing was changed."));
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
            warn(error);
        for (const QString& role : secrets.missing) {
            if (secrets.errors.filter(role + QLatin1Char(':')).isEmpty())
                warn(QStringLiteral("%1: no password or passphrase is stored in the keychain for "
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
        if (m_json) {
            emitEvent({{QStringLiteral("event"), QStringLiteral("result")},
                       {QStringLiteral("status"),
                        worst == ExitOk ? QStringLiteral("passed") : QStringLiteral("failed")},
                       {QStringLiteral("exitCode"), worst}});
        } else {
            say(worst == ExitOk ? QStringLiteral("All checks passed.")
                                : QStringLiteral("Some checks failed."));
        }
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
            say(QStringLiteral("%1 (%2)").arg(host.role, host.endpoint.id()));
            for (const CheckItem& item : result.items) {
                if (m_json) {
                    emitEvent({{QStringLiteral("event"), QStringLiteral("check")},
                               {QStringLiteral("role"), item.role},
                               {QStringLiteral("name"), item.name},
                               {QStringLiteral("level"), checkLevelName(item.level)},
                               {QStringLiteral("message"), item.message}});
                }
                say(QStringLiteral("  [%1] %2: %3")
                        .arg(checkLevelName(item.level), item.name, item.message));
            }
            if (!result.connection.ok()) {
                code = qMax(code, exitCodeFor(result.connection.error));
                if (result.connection.error == SshError::HostKeyUnknown) {
                    say(QStringLiteral("  Compare %1 with the host's own (ssh-keygen -lf "
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
    say(QStringLiteral("Plan: %1 upgrade to MyST Studio %2 (nothing is run)")
            .arg(plan.approach, plan.targetVersion));
    for (int i = 0; i < plan.steps.size(); ++i) {
        const Step& s = plan.steps.at(i);
        if (m_json) {
            emitEvent({{QStringLiteral("event"), QStringLiteral("step")},
                       {QStringLiteral("index"), i},
                       {QStringLiteral("id"), s.id},
                       {QStringLiteral("role"), s.role},
                       {QStringLiteral("title"), s.title},
                       {QStringLiteral("command"), s.commandText()},
                       {QStringLiteral("outage"), s.startsOutage}});
        }
        say(QStringLiteral("%1. [%2] %3%4\n     $ %5")
                .arg(i + 1)
                .arg(s.role, s.title,
                     s.startsOutage ? QStringLiteral("  (outage starts)") : QString(),
                     s.commandText()));
    }
    if (m_json) {
        emitEvent({{QStringLiteral("event"), QStringLiteral("result")},
                   {QStringLiteral("status"), QStringLiteral("planned")},
                   {QStringLiteral("exitCode"), ExitOk}});
    }
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
    say(QStringLiteral("%1: image %2, MyST Studio %3, tags %4, %5 layers, %6")
            .arg(QFileInfo(path).fileName(), offline.imageId.left(19), offline.version,
                 offline.repoTags.join(QStringLiteral(", ")))
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
    say(QStringLiteral("Resuming run %1 at %2").arg(run->runId, where));
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
                if (m_json) {
                    emitEvent(
                        {{QStringLiteral("event"), QStringLiteral("result")},
                         {QStringLiteral("status"),
                          code == ExitOk ? QStringLiteral("unlocked") : QStringLiteral("failed")},
                         {QStringLiteral("exitCode"), code},
                         {QStringLiteral("holder"), out.lock.holder.line()},
                         {QStringLiteral("message"), message}});
                }
                code == ExitOk ? say(message) : warn(message);
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
    say(QStringLiteral("Run %1: %2 (%3), journal %4")
            .arg(runId, plan.kind, plan.approach, journal.filePath()));
    connect(m_runner, &Runner::stepStarted, this, [this, total](int i, const StepRecord& s) {
        if (m_json) {
            emitEvent({{QStringLiteral("event"), QStringLiteral("step-started")},
                       {QStringLiteral("index"), i},
                       {QStringLiteral("id"), s.id},
                       {QStringLiteral("role"), s.role},
                       {QStringLiteral("title"), s.title},
                       {QStringLiteral("command"), s.command}});
        }
        say(QStringLiteral("[%1/%2] %3: %4\n      $ %5")
                .arg(i + 1)
                .arg(total)
                .arg(s.role, s.title, s.command));
    });
    connect(m_runner, &Runner::output, this,
            [this](int i, OutputStream stream, const QString& line) {
                if (m_json) {
                    emitEvent({{QStringLiteral("event"), QStringLiteral("output")},
                               {QStringLiteral("index"), i},
                               {QStringLiteral("stream"), stream == OutputStream::Stderr
                                                              ? QStringLiteral("stderr")
                                                              : QStringLiteral("stdout")},
                               {QStringLiteral("line"), line}});
                } else {
                    say((stream == OutputStream::Stderr ? QStringLiteral("    ! ")
                                                        : QStringLiteral("    | ")) +
                        line);
                }
            });
    connect(m_runner, &Runner::captured, this,
            [this](const QString& role, const QString& key, const QString& value) {
                if (m_json) {
                    emitEvent({{QStringLiteral("event"), QStringLiteral("captured")},
                               {QStringLiteral("role"), role},
                               {QStringLiteral("key"), key},
                               {QStringLiteral("value"), value}});
                } else if (!value.isEmpty()) {
                    say(QStringLiteral("    recorded %1 for %2: %3").arg(key, role, value));
                }
            });
    connect(m_runner, &Runner::uploadProgress, this,
            [this](int i, const QString& role, const TransferProgress& p) {
                if (m_json) {
                    emitEvent({{QStringLiteral("event"), QStringLiteral("upload-progress")},
                               {QStringLiteral("index"), i},
                               {QStringLiteral("role"), role},
                               {QStringLiteral("bytes"), p.done},
                               {QStringLiteral("total"), p.total},
                               {QStringLiteral("sent"), p.sent},
                               {QStringLiteral("bytesPerSecond"), qRound64(p.bytesPerSecond)},
                               {QStringLiteral("etaSeconds"), qRound(p.etaSeconds)}});
                } else if (isatty(STDOUT_FILENO)) { // one line, rewritten in place
                    m_out << "\r    " << progressText(p) << (p.last ? "\n" : "");
                    m_out.flush();
                }
            });
    connect(m_runner, &Runner::stepFinished, this, [this](int i, const StepRecord& s) {
        if (m_json) {
            emitEvent({{QStringLiteral("event"), QStringLiteral("step-finished")},
                       {QStringLiteral("index"), i},
                       {QStringLiteral("id"), s.id},
                       {QStringLiteral("status"), stepStatusName(s.status)},
                       {QStringLiteral("exitCode"), s.exitCode},
                       {QStringLiteral("durationMs"), s.started.msecsTo(s.finished)},
                       {QStringLiteral("message"), s.message},
                       {QStringLiteral("log"), s.logFile}});
        }
        say(QStringLiteral("      %1 %2 (%3)")
                .arg(s.status == StepStatus::Succeeded ? QStringLiteral("ok:")
                                                       : QStringLiteral("FAILED:"),
                     s.message, seconds(s.started, s.finished)));
    });
    connect(m_runner, &Runner::finished, this, [this](const RunResult& r) {
        int code = ExitOk;
        if (!r.ok) {
            code = r.connectionError != SshError::None ? exitCodeFor(r.connectionError)
                                                       : int(ExitStepFailed);
        }
        if (m_json) {
            emitEvent({{QStringLiteral("event"), QStringLiteral("result")},
                       {QStringLiteral("status"), r.journal.status},
                       {QStringLiteral("runId"), r.journal.runId},
                       {QStringLiteral("exitCode"), code},
                       {QStringLiteral("outageMs"), r.journal.outageMs},
                       {QStringLiteral("message"), r.message},
                       {QStringLiteral("journal"), r.journal.filePath()}});
        }
        say(r.message);
        if (!r.ok) {
            warn(r.message);
        }
        finish(code);
    });
    m_runner->start();
}

// ---- runs ----------------------------------------------------------------------------------

void CliApp::cmdRuns()
{
    const QList<Journal> runs = Journal::loadAll();
    for (const Journal& j : runs) {
        QStringList hosts;
        for (auto it = j.hosts.begin(); it != j.hosts.end(); ++it) {
            const QJsonObject h = it.value().toObject();
            hosts << QStringLiteral("%1=%2").arg(it.key(),
                                                 h.value(QStringLiteral("host")).toString());
        }
        if (m_json) {
            QJsonObject o = j.toJson();
            o.insert(QStringLiteral("event"), QStringLiteral("run"));
            o.remove(QStringLiteral("steps"));
            emitEvent(o);
        } else {
            say(QStringLiteral("%1  %2 %3  %4  %5  %6  %7")
                    .arg(j.runId, j.kind, j.approach,
                         j.targetVersion.isEmpty() ? QStringLiteral("-") : j.targetVersion,
                         j.status, hosts.join(QLatin1Char(',')), j.message));
        }
    }
    if (runs.isEmpty()) {
        say(QStringLiteral("No runs yet."));
    }
    if (m_json) {
        emitEvent({{QStringLiteral("event"), QStringLiteral("result")},
                   {QStringLiteral("status"), QStringLiteral("listed")},
                   {QStringLiteral("count"), int(runs.size())},
                   {QStringLiteral("exitCode"), ExitOk}});
    }
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
            warn(r.error);
            finish(ExitStepFailed);
            return;
        }
        say(QStringLiteral("Keychain updated for %1.").arg(key));
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
