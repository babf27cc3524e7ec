#include "core/host/HostLock.h"

#include "core/base/ShellQuote.h"
#include "core/ssh/RemoteCommand.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QRegularExpression>
#include <QSysInfo>

namespace myst {

namespace {
// $1 lock file, $2 our line, $3 our run, $4 a run whose lock we may take over (or "-").
// `set -C` makes `>` fail if the file exists: creating it is the atomic test-and-set.
const char* const AcquireScript = R"SH(lock=$1
(umask 077 && mkdir -p -- "${lock%/*}") && chmod 700 -- "${lock%/*}" || exit 4
if (umask 077; set -C; printf '%s\n' "$2" > "$lock") 2>/dev/null; then echo acquired; exit 0; fi
held=$(head -n 1 -- "$lock")
case "$held" in
"run=$3 "*|"run=$4 "*) printf '%s\n' "$2" > "$lock"; echo acquired; exit 0 ;;
esac
echo "held $held"
exit 3)SH";

const char* const ReleaseScript = R"SH(lock=$1
case "$(head -n 1 -- "$lock" 2>/dev/null)" in "run=$2 "*) rm -f -- "$lock" ;; esac)SH";

// Only plain characters go into the lock line: it is read back and shown to other people.
QString plain(QString value)
{
    static const QRegularExpression odd(QStringLiteral("[^A-Za-z0-9._@:+-]"));
    return value.replace(odd, QStringLiteral("_")).left(64);
}
} // namespace

LockHolder LockHolder::me(const QString& runId)
{
    LockHolder h;
    h.runId = plain(runId);
    h.user = plain(qEnvironmentVariable("USER", QStringLiteral("unknown")));
    h.from = plain(QSysInfo::machineHostName());
    h.pid = QString::number(QCoreApplication::applicationPid());
    h.since = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    return h;
}

QString LockHolder::line() const
{
    return QStringLiteral("run=%1 user=%2 from=%3 pid=%4 since=%5")
        .arg(runId, user, from, pid, since);
}

LockHolder LockHolder::parse(const QString& line)
{
    LockHolder h;
    for (const QString& field : line.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        const QString key = field.section(QLatin1Char('='), 0, 0);
        const QString value = plain(field.section(QLatin1Char('='), 1));
        if (key == QLatin1String("run"))
            h.runId = value;
        else if (key == QLatin1String("user"))
            h.user = value;
        else if (key == QLatin1String("from"))
            h.from = value;
        else if (key == QLatin1String("pid"))
            h.pid = value;
        else if (key == QLatin1String("since"))
            h.since = value;
    }
    return h;
}

QString LockHolder::describe() const
{
    const QDateTime when = QDateTime::fromString(since, Qt::ISODate);
    return QStringLiteral("run %1, %2 on %3 (pid %4), since %5")
        .arg(runId.isEmpty() ? QStringLiteral("?") : runId,
             user.isEmpty() ? QStringLiteral("?") : user,
             from.isEmpty() ? QStringLiteral("?") : from, pid.isEmpty() ? QStringLiteral("?") : pid,
             when.isValid() ? when.toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"))
                            : QStringLiteral("?"));
}

QString HostLock::path(const QString& mystHome)
{
    return mystHome + QStringLiteral("/.myst-upgrade/lock");
}

LockResult HostLock::acquire(HostSession& connection, const QString& mystHome, const LockHolder& me,
                             const QString& mayTakeOverRun)
{
    LockResult r;
    const CapturedOutput out = connection.capture(shellCommand(
        {QStringLiteral("sh"), QStringLiteral("-c"), QString::fromLatin1(AcquireScript),
         QStringLiteral("myst-lock"), path(mystHome), me.line(), me.runId,
         mayTakeOverRun.isEmpty() ? QStringLiteral("-") : mayTakeOverRun}));
    const QString first = out.stdoutLines.value(0);
    if (out.result.succeeded() && first == QLatin1String("acquired")) {
        r.ok = true;
        r.holder = me;
        return r;
    }
    if (first.startsWith(QLatin1String("held "))) {
        r.holder = LockHolder::parse(first.mid(5));
        r.message =
            QStringLiteral("%1 is locked by another upgrade: %2. Two wizards must not "
                           "change one host at once. If that run is really gone, break "
                           "the lock: myst-upgrade unlock --site <site> --role <role> --yes")
                .arg(connection.id(), r.holder.describe());
        return r;
    }
    r.message = QStringLiteral("Cannot take the lock %1 on %2: %3")
                    .arg(path(mystHome), connection.id(),
                         out.stderrLines.join(QLatin1Char(' ')).left(300) + out.result.describe());
    return r;
}

void HostLock::release(HostSession& connection, const QString& mystHome, const QString& runId)
{
    connection.capture(shellCommand({QStringLiteral("sh"), QStringLiteral("-c"),
                                     QString::fromLatin1(ReleaseScript),
                                     QStringLiteral("myst-unlock"), path(mystHome), runId}));
}

LockResult HostLock::breakLock(HostSession& connection, const QString& mystHome)
{
    LockResult r;
    const QString file = path(mystHome);
    const CapturedOutput out = connection.capture(
        shellCommand({QStringLiteral("sh"), QStringLiteral("-c"),
                      QStringLiteral("head -n 1 -- \"$1\" 2>/dev/null && rm -f -- \"$1\""),
                      QStringLiteral("myst-unlock"), file}));
    r.ok = out.result.succeeded();
    if (out.stdoutLines.isEmpty()) {
        r.message = QStringLiteral("%1 was not locked").arg(connection.id());
        r.ok = true;
    } else {
        r.holder = LockHolder::parse(out.stdoutLines.value(0));
        r.message = r.ok ? QStringLiteral("Broke the lock on %1 held by %2")
                               .arg(connection.id(), r.holder.describe())
                         : QStringLiteral("Cannot remove %1: %2").arg(file, out.result.describe());
    }
    return r;
}

} // namespace myst
