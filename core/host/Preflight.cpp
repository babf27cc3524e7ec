#include "core/host/Preflight.h"

#include "core/host/DockerCli.h"

#include "core/base/ShellQuote.h"
#include "core/host/HostLock.h"
#include "core/host/OutputParsers.h"
#include "core/host/Verify.h"
#include "core/ssh/RemoteCommand.h"

#include <QRegularExpression>

namespace myst {

const QStringList GuideScripts = {QStringLiteral("pull.sh"),
                                  QStringLiteral("backup-database.sh"),
                                  QStringLiteral("stop.sh"),
                                  QStringLiteral("start.sh"),
                                  QStringLiteral("restart.sh"),
                                  QStringLiteral("output-logs.sh"),
                                  QStringLiteral("update-database.sh"),
                                  QStringLiteral("upgrade.sh"),
                                  QStringLiteral("import.sh")};

QString checkLevelName(CheckLevel level)
{
    switch (level) {
    case CheckLevel::Pass:
        return QStringLiteral("pass");
    case CheckLevel::Warn:
        return QStringLiteral("warn");
    case CheckLevel::Fail:
        return QStringLiteral("fail");
    }
    return {};
}

bool PreflightResult::passed() const
{
    if (!connection.ok()) {
        return false;
    }
    for (const CheckItem& i : items) {
        if (i.level == CheckLevel::Fail) {
            return false;
        }
    }
    return true;
}

namespace {
// Whether the login user reaches docker the way the site says (directly, or through sudo -n);
// empty when it does, else what is wrong and how to fix it.
QString dockerAccessProblem(HostSession& session, const SiteHost& host, bool* sudoWouldWork)
{
    const QStringList version{QStringLiteral("version"), QStringLiteral("--format"),
                              QStringLiteral("{{.Server.Version}}")};
    const CapturedOutput out = session.capture(shellCommand(DockerCli::command(host, version)));
    if (out.result.succeeded()) {
        return {};
    }
    const QString said = out.stderrLines.join(QLatin1Char(' ')).left(300);
    const QString rule =
        QStringLiteral("%1 ALL=(root) NOPASSWD: /usr/bin/docker").arg(host.endpoint.user);
    if (host.sudo) {
        return QStringLiteral("sudo -n docker does not work for %1 (%2). The host needs a "
                              "sudoers rule such as: %3")
            .arg(host.endpoint.user, said, rule);
    }
    SiteHost withSudo = host;
    withSudo.sudo = true;
    if (said.contains(QLatin1String("permission denied"), Qt::CaseInsensitive) &&
        session.capture(shellCommand(DockerCli::command(withSudo, version))).result.succeeded()) {
        *sudoWouldWork = true;
        return QStringLiteral("docker answers \"permission denied\" to %1, but sudo -n docker "
                              "works: set \"sudo\": true for this host in the site file")
            .arg(host.endpoint.user);
    }
    return QStringLiteral("docker does not work for %1 (%2): add %1 to the docker group, or "
                          "add the sudoers rule \"%3\" and set \"sudo\": true")
        .arg(host.endpoint.user, said, rule);
}

// MyST home writable, free space in the backup folder (the home, or the site's
// backupDirectory) and in Docker's root directory (the new image), in one round trip.
template <typename Add>
void addDiskCheck(HostSession& session, const SiteHost& host, const RunSettings& settings,
                  const Add& add)
{
    // The backup folder may not exist before the first backup: the home's disk then.
    const QString backupSpace =
        host.backupDirectory.isEmpty() ? host.mystHome : host.backupDirectory;
    const QStringList info =
        DockerCli::command(host, {QStringLiteral("info"), QStringLiteral("--format"),
                                  QStringLiteral("{{.DockerRootDir}}")});
    const CapturedOutput out = session.capture(shellCommand(
        QStringList{QStringLiteral("sh"), QStringLiteral("-c"),
                    QStringLiteral("home=$1 backup=$2; shift 2\n"
                                   "[ -w \"$home\" ] && echo writable || echo read-only\n"
                                   "echo '[home]'; df -Pk -- \"$backup\"\n"
                                   "root=$(\"$@\" 2>/dev/null)\n"
                                   "[ -n \"$root\" ] && { echo \"[docker] $root\"; df -Pk -- "
                                   "\"$root\"; }"),
                    QStringLiteral("myst-disk"), host.mystHome, backupSpace} +
        info));
    // df's own output, after a tag naming what it is about: read as every df answer is.
    const QStringList lines = out.stdoutLines;
    const auto section = [&](const QString& tag) {
        const qsizetype at = lines.indexOf(
            QRegularExpression(QStringLiteral("^%1( .*)?$").arg(QRegularExpression::escape(tag))));
        return at < 0 ? QStringList{} : lines.mid(at + 1, 2);
    };
    const qint64 homeMb = parseDfAvailableMegabytes(section(QStringLiteral("[home]")));
    const qint64 dockerMb = parseDfAvailableMegabytes(section(QStringLiteral("[docker]")));
    const QString dockerRoot =
        lines.filter(QRegularExpression(QStringLiteral("^\\[docker\\] "))).value(0).mid(9);
    QStringList problems;
    if (!lines.contains(QStringLiteral("writable")))
        problems
            << QStringLiteral("%1 is not writable for %2").arg(host.mystHome, host.endpoint.user);
    if (homeMb < 0)
        problems << QStringLiteral("cannot read free disk space in %1").arg(backupSpace);
    else if (homeMb < settings.minFreeMegabytes)
        problems << QStringLiteral(
                        "only %1 MB free in %2; at least %3 MB are needed for the backup")
                        .arg(homeMb)
                        .arg(backupSpace)
                        .arg(settings.minFreeMegabytes);
    if (dockerMb >= 0 && dockerMb < settings.minFreeMegabytes)
        problems << QStringLiteral("only %1 MB free in Docker's root directory %2; at least %3 MB "
                                   "are needed for the new image")
                        .arg(dockerMb)
                        .arg(dockerRoot)
                        .arg(settings.minFreeMegabytes);
    if (!problems.isEmpty()) {
        add(QStringLiteral("disk"), CheckLevel::Fail, problems.join(QStringLiteral("; ")));
        return;
    }
    add(QStringLiteral("disk"), CheckLevel::Pass,
        dockerMb >= 0
            ? QStringLiteral("%1 MB free in %2 (writable), %3 MB in Docker's root directory %4")
                  .arg(homeMb)
                  .arg(backupSpace)
                  .arg(dockerMb)
                  .arg(dockerRoot)
            : QStringLiteral("%1 MB free in %2 (writable)").arg(homeMb).arg(backupSpace));
}
} // namespace

PreflightResult runPreflight(const SiteHost& host, const RunSettings& settings, const SshAuth& auth)
{
    PreflightResult out;
    auto add = [&](const QString& name, CheckLevel level, const QString& message) {
        out.items << CheckItem{host.role, name, level, message, {}};
    };
    SshConnection connection(host.endpoint);
    out.connection = connection.open(auth);
    if (!out.connection.ok()) {
        add(QStringLiteral("connect"), CheckLevel::Fail, out.connection.message);
        return out;
    }
    add(QStringLiteral("connect"), CheckLevel::Pass,
        QStringLiteral("Connected to %1 (host key %2)")
            .arg(host.endpoint.id(), out.connection.fingerprint));

    // One round trip for all scripts: "<name> ok|missing|not-executable" per line.
    QString probe;
    for (const QString& script : GuideScripts) {
        const QString path = shellQuote(host.script(script));
        probe += QStringLiteral("if [ -x %1 ]; then echo %2 ok; elif [ -e %1 ]; then echo %2 "
                                "not-executable; else echo %2 missing; fi; ")
                     .arg(path, shellQuote(script));
    }
    const CapturedOutput scripts = runCaptured(connection, probe);
    QStringList bad;
    for (const QString& line : scripts.stdoutLines) {
        // The edition of the guide the product was made from has neither: optional.
        const bool optional = line.startsWith(QLatin1String("upgrade.sh ")) ||
                              line.startsWith(QLatin1String("import.sh "));
        if (!line.endsWith(QLatin1String(" ok")) &&
            !(optional && line.endsWith(QLatin1String(" missing")))) {
            bad << line;
        }
    }
    if (!scripts.result.succeeded() || scripts.stdoutLines.size() != GuideScripts.size()) {
        add(QStringLiteral("scripts"), CheckLevel::Fail,
            QStringLiteral("Cannot check the scripts in %1/bin (%2)")
                .arg(host.mystHome, scripts.result.describe()));
    } else if (!bad.isEmpty()) {
        add(QStringLiteral("scripts"), CheckLevel::Fail,
            QStringLiteral("In %1/bin: %2").arg(host.mystHome, bad.join(QStringLiteral(", "))));
    } else {
        add(QStringLiteral("scripts"), CheckLevel::Pass,
            QStringLiteral("All %1 scripts of the guide are in %2/bin and executable")
                .arg(GuideScripts.size())
                .arg(host.mystHome));
    }

    SshHostSession session(connection);
    bool sudoWouldWork = false;
    if (const QString problem = dockerAccessProblem(session, host, &sudoWouldWork);
        !problem.isEmpty()) {
        add(QStringLiteral("docker"), CheckLevel::Fail, problem);
        if (sudoWouldWork)
            out.items.last().fix = {QStringLiteral("sudo"), true,
                                    QStringLiteral("Use sudo for docker on %1").arg(host.role)};
    } else if (const DockerCli::Inspected inspected = DockerCli::inspectImage(session, host);
               !inspected.image) {
        add(QStringLiteral("docker"), CheckLevel::Fail,
            QStringLiteral("docker image inspect myst-studio failed: %1").arg(inspected.error));
    } else {
        const ImageInfo& image = *inspected.image;
        add(QStringLiteral("docker"), CheckLevel::Pass,
            QStringLiteral("Current image %1, MyST Studio %2%3")
                .arg(image.id.left(19),
                     image.version.isEmpty() ? QStringLiteral("(version unknown)") : image.version,
                     host.sudo ? QStringLiteral(" (docker through sudo -n)") : QString()));
    }
    addDiskCheck(session, host, settings, add);

    // Seen here rather than when the run is refused: a warning, since breaking a stale lock
    // is the operator's call (Run page, or myst-upgrade unlock).
    const CapturedOutput lock = runCaptured(
        connection, shellCommand({QStringLiteral("sh"), QStringLiteral("-c"),
                                  QStringLiteral("[ -e \"$1\" ] && head -n 1 -- \"$1\" || true"),
                                  QStringLiteral("myst-lock"), HostLock::path(host.mystHome)}));
    const QString holder = lock.stdoutLines.value(0).trimmed();
    if (!lock.result.succeeded()) {
        add(QStringLiteral("lock"), CheckLevel::Warn,
            QStringLiteral("Cannot tell whether another upgrade holds this host (%1)")
                .arg(lock.result.describe()));
    } else if (!holder.isEmpty()) {
        add(QStringLiteral("lock"), CheckLevel::Warn,
            QStringLiteral("Another upgrade holds this host: %1. The run will be refused until "
                           "it ends or its lock is broken.")
                .arg(LockHolder::parse(holder).describe()));
    } else {
        add(QStringLiteral("lock"), CheckLevel::Pass,
            QStringLiteral("No other upgrade holds this host"));
    }

    if (host.consoleUrl.isEmpty()) {
        add(QStringLiteral("console"), CheckLevel::Warn,
            QStringLiteral("No console URL set: the version cannot be verified after the upgrade"));
    } else {
        RunSettings quick = settings;
        quick.consoleTimeoutSeconds = qMin(settings.consoleTimeoutSeconds, 5);
        const ConsoleResult console = readConsoleVersion(session, host, quick, nullptr);
        add(QStringLiteral("console"), console.ok ? CheckLevel::Pass : CheckLevel::Fail,
            console.message);
        if (console.untrustedCertificate)
            out.items.last().fix = {QStringLiteral("consoleCertSha256"), console.certificateSha256,
                                    QStringLiteral("Trust this console certificate on %1 (pin "
                                                   "its SHA-256 in the site file)")
                                        .arg(host.role)};
    }
    return out;
}

ProbeResult probeHost(const SiteHost& host, const SshAuth& auth, const QString& trustedFingerprint)
{
    ProbeResult out;
    SshConnection connection(host.endpoint);
    out.status = connection.open(auth, trustedFingerprint);
    if (!out.status.ok()) {
        return out;
    }
    SshHostSession session(connection);
    const DockerCli::Inspected inspected = DockerCli::inspectImage(session, host);
    if (inspected.image) {
        out.imageId = inspected.image->id;
        out.version = inspected.image->version;
    } else {
        out.error = inspected.error;
    }
    return out;
}

} // namespace myst
