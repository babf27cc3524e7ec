#include "core/run/ReadOnlyGuard.h"

#include "core/base/ShellQuote.h"
#include "core/journal/RunNames.h"
#include "core/plan/PlanResume.h"
#include "core/site/BlueGreen.h"

#include <QDateTime>

namespace myst::ReadOnlyGuard {

WindowReport readWindowReport(const QStringList& stdoutLines)
{
    static const QString Prefix = QStringLiteral("myst-readonly: ");
    WindowReport report;
    for (const QString& raw : stdoutLines) {
        const QString line = raw.trimmed();
        if (!line.isEmpty()) // the value is the last line, and not a fact
            report.readOnly = line.startsWith(Prefix) ? QString() : line;
        if (!line.startsWith(Prefix))
            continue;
        const QStringList words = line.mid(Prefix.size()).split(QLatin1Char(' '));
        const QString key = words.value(0);
        if (key == QLatin1String("held")) {
            report.heldAt = words.value(1).toLongLong();
        } else if (key == QLatin1String("window")) {
            bool ok = false;
            const int seconds = words.value(1).toInt(&ok);
            report.windowSeconds = ok ? seconds : -1;
        } else if (key == QLatin1String("expired")) {
            report.expiredAt = qMax<qint64>(1, words.value(1).toLongLong());
            bool ok = false;
            const int after = words.value(2).toInt(&ok);
            report.expiredAfter = ok ? after : -1;
        } else if (key == QLatin1String("lost")) {
            report.lostAt = qMax<qint64>(1, words.value(1).toLongLong());
        } else if (key == QLatin1String("probe")) {
            const QString who = words.value(1);
            const QString verdict = words.value(2);
            if (verdict == QLatin1String("accepted"))
                report.probeAccepted << who;
            else if (verdict == QLatin1String("refused"))
                report.probeRefused << who;
            // The server's own error, cut short: it is data from the host, shown as text.
            const QString detail = words.mid(3).join(QLatin1Char(' ')).left(160);
            report.probeWords << QStringLiteral("%1 %2%3").arg(
                who, verdict, detail.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(detail));
        }
    }
    return report;
}

QString WindowReport::brokenWords(const QString& active, int maxSeconds) const
{
    const qint64 at = expiredAt > 0 ? expiredAt : lostAt;
    const QString when = QDateTime::fromSecsSinceEpoch(at, Qt::UTC)
                             .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
    const QString why =
        expiredAt > 0
            ? QStringLiteral("ended by itself after %1 s (blueGreen.readOnlyMaxSeconds%2)")
                  .arg(expiredAfter)
                  .arg(maxSeconds > 0 ? QStringLiteral(" = %1").arg(maxSeconds) : QString())
            : QStringLiteral("lost its read lock (the database session holding it ended)");
    return QStringLiteral("%1's read-only window %2 at %3, before the run ended it: writes made "
                          "on %1 since then are not in %4's copy")
        .arg(active, why, when, BlueGreen::otherRole(active));
}

int pendingOff(const Plan& plan, const Journal& journal)
{
    bool on = false;
    for (int i = 0; i < plan.steps.size() && i < journal.steps.size(); ++i) {
        const Step& step = plan.steps.at(i);
        if (step.kind != StepKind::ReadOnly)
            continue;
        const StepStatus status = journal.steps.at(i).status;
        if (step.startsOutage)
            on = on || (status != StepStatus::Pending && status != StepStatus::Skipped) ||
                 journal.steps.at(i).started.isValid();
        else if (step.endsOutage && on)
            return status == StepStatus::Succeeded ? -1 : i;
    }
    return -1;
}

Result turnOff(HostConnections& hosts, const Plan& plan, Journal& journal, int offIndex,
               const std::function<void(const QString&)>& log)
{
    const Step& step = plan.steps.at(offIndex);
    const QString command = hostCommandLine(step.argv);
    Result result;
    SshStatus status;
    HostSession* host = hosts.get(step.role, &status);
    CapturedOutput out;
    if (host)
        out = host->capture(command, 60000);
    const WindowReport report = readWindowReport(out.stdoutLines);
    if (!host || !out.result.succeeded() || report.readOnly != QLatin1String("0")) {
        result.message =
            QStringLiteral("%1 MAY STILL BE READ-ONLY (writes refused): turning it off failed "
                           "(%2). Turn it off by hand on %1: %3")
                .arg(step.role,
                     !host ? status.message
                           : out.stderrLines.value(0, out.result.describe()).left(300),
                     command);
        log(result.message);
        return result;
    }
    StepRecord& record = journal.steps[offIndex];
    const bool failedInTurn = record.status == StepStatus::Failed && !record.message.isEmpty();
    record.started = record.started.isValid() ? record.started : QDateTime::currentDateTimeUtc();
    record.finished = QDateTime::currentDateTimeUtc();
    record.status = StepStatus::Succeeded;
    record.exitCode = 0;
    // A release that failed in turn keeps what it said (the window may have ended by itself):
    // the run's end quotes the step's message.
    const QString outOfTurn = QStringLiteral("turned off out of turn, when the run stopped");
    record.message =
        failedInTurn ? record.message + QStringLiteral(" (then ") + outOfTurn + u')' : outOfTurn;
    for (int k = 0; k < offIndex; ++k) {
        if (plan.steps.at(k).startsOutage && journal.steps.at(k).started.isValid()) {
            journal.outageMs = journal.steps.at(k).started.msecsTo(record.finished);
            break;
        }
    }
    result.ok = true;
    result.message = QStringLiteral("%1's read-only mode is off again (writes were refused for "
                                    "%2 s).")
                         .arg(step.role)
                         .arg(report.windowSeconds >= 0 ? double(report.windowSeconds)
                                                        : journal.outageMs / 1000.0,
                              0, 'f', report.windowSeconds >= 0 ? 0 : 1);
    // A laptop that vanished for longer than readOnlyMaxSeconds: the holder ended the window
    // without it, and whoever resumes or rolls back must hear that before anything else.
    if (report.broken())
        result.message += QLatin1Char(' ') + report.brokenWords(step.role) + QLatin1Char('.');
    log(result.message);
    return result;
}

Result turnOffForUndoneRun(HostConnections& hosts, const QString& undoneRunId,
                           const std::function<void(const QString&)>& log)
{
    QString error;
    std::optional<Journal> undone = Journal::loadRun(undoneRunId, &error);
    if (!undone || undone->approach != Approach::ZeroDowntime || !undone->isUnfinished())
        return {true, {}};
    const std::optional<Plan> plan = resumePlan(*undone, hosts.site(), &error);
    const int off = plan ? pendingOff(*plan, *undone) : -1;
    if (off < 0)
        return {true, {}};
    Result result = turnOff(hosts, *plan, *undone, off, log);
    if (result.ok && !undone->save(&error))
        log(error);
    return result;
}

} // namespace myst::ReadOnlyGuard
