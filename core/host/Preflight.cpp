#include "core/host/Preflight.h"

#include "core/host/DockerCli.h"

#include "core/base/ShellQuote.h"
#include "core/host/HostLock.h"
#include "core/host/OutputParsers.h"
#include "core/host/Verify.h"
#include "core/ssh/RemoteCommand.h"

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

PreflightResult runPreflight(const SiteHost& host, const RunSettings& settings, const SshAuth& auth)
{
    PreflightResult out;
    auto add = [&](const QString& name, CheckLevel level, const QString& message) {
        out.items << CheckItem{host.role, name, level, message};
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
        if (!line.endsWith(QLatin1String(" ok"))) {
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
    const DockerCli::Inspected inspected = DockerCli::inspectImage(session);
    const std::optional<ImageInfo>& image = inspected.image;
    if (!image) {
        add(QStringLiteral("docker"), CheckLevel::Fail,
            QStringLiteral("docker image inspect myst-studio failed: %1").arg(inspected.error));
    } else {
        add(QStringLiteral("docker"), CheckLevel::Pass,
            QStringLiteral("Current image %1, MyST Studio %2")
                .arg(image->id.left(19), image->version.isEmpty()
                                             ? QStringLiteral("(version unknown)")
                                             : image->version));
    }

    const CapturedOutput df = runCaptured(
        connection, shellCommand({QStringLiteral("df"), QStringLiteral("-Pk"), host.mystHome}));
    const qint64 freeMb = parseDfAvailableMegabytes(df.stdoutLines);
    if (freeMb < 0) {
        add(QStringLiteral("disk"), CheckLevel::Fail,
            QStringLiteral("Cannot read free disk space in %1").arg(host.mystHome));
    } else if (freeMb < settings.minFreeMegabytes) {
        add(QStringLiteral("disk"), CheckLevel::Fail,
            QStringLiteral("Only %1 MB free in %2; at least %3 MB are needed for the backup")
                .arg(freeMb)
                .arg(host.mystHome)
                .arg(settings.minFreeMegabytes));
    } else {
        add(QStringLiteral("disk"), CheckLevel::Pass,
            QStringLiteral("%1 MB free in %2").arg(freeMb).arg(host.mystHome));
    }

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
    const DockerCli::Inspected inspected = DockerCli::inspectImage(session);
    if (inspected.image) {
        out.imageId = inspected.image->id;
        out.version = inspected.image->version;
    } else {
        out.error = inspected.error;
    }
    return out;
}

} // namespace myst
