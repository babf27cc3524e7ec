// The end of a run (Runner's): the outage measured, the message, the host records, read-only
// mode turned off again, the hosts' older leftovers removed, the locks released.
#include "core/journal/RunNames.h"
#include "core/run/Runner.h"

#include "core/base/AppLog.h"
#include "core/host/HostRetention.h"
#include "core/host/HostState.h"
#include "core/run/HostConnections.h"
#include "core/run/ReadOnlyGuard.h"
#include "core/run/RunOutcome.h"

namespace myst {

// An interrupted upgrade that was rolled back instead of continued is over: it must not be
// offered for Continue again.
void Runner::closeUndoneRun()
{
    QString error;
    std::optional<Journal> undone = Journal::loadRun(m_journal.rollbackOf, &error);
    if (!undone || !(undone->isUnfinished() || undone->isRetryable())) {
        return;
    }
    undone->message = QStringLiteral("%1, then rolled back by run %2.")
                          .arg(undone->status == RunStatus::Failed ? QStringLiteral("Failed")
                                                                   : QStringLiteral("Interrupted"),
                               m_journal.runId);
    undone->status = RunStatus::RolledBack;
    undone->finished = m_journal.finished;
    for (StepRecord& step : undone->steps) {
        if (step.status == StepStatus::Running || step.status == StepStatus::Pending) {
            step.status = StepStatus::Skipped;
        }
    }
    if (!undone->save(&error)) {
        log::runner()->error("{}", error.toStdString());
    }
}

void Runner::measureOutage(int i, const Step& step)
{
    // From the journal's times, so that a resumed run measures the whole outage.
    for (int k = 0; k < i; ++k) {
        // From its first attempt: a retry does not restart the clock.
        const QDateTime began = m_journal.steps.at(k).firstStarted();
        if (m_plan.steps.at(k).startsOutage && began.isValid()) {
            m_journal.outageMs = began.msecsTo(m_journal.steps.at(i).finished);
            emit outageEnded(step.role, m_journal.outageMs);
            return;
        }
    }
}

void Runner::reportOpenOutage(int i)
{
    // It ended before the interruption (or, blue/green, read-only was turned off first).
    for (int k = 0; k < m_plan.steps.size(); ++k) {
        if (m_plan.steps.at(k).endsOutage && isDone(m_journal.steps.at(k).status))
            return;
    }
    for (int k = 0; k < i; ++k) {
        if (m_plan.steps.at(k).startsOutage && m_journal.steps.at(k).firstStarted().isValid()) {
            emit outageStarted(m_plan.steps.at(k).role, m_journal.steps.at(k).firstStarted());
            return;
        }
    }
}

void Runner::finish(RunResult& result, int failedIndex, bool interrupted)
{
    for (StepRecord& r : m_journal.steps) {
        if (r.status == StepStatus::Pending) {
            r.status = StepStatus::Skipped;
        }
    }
    result.ok = failedIndex < 0 && !result.cancelled;
    const QString readOnly = result.ok ? QString() : turnReadOnlyOff();
    m_journal.status = result.ok          ? RunStatus::Succeeded
                       : interrupted      ? RunStatus::Interrupted
                       : result.cancelled ? RunStatus::Cancelled
                                          : RunStatus::Failed;
    if (result.ok) {
        result.message = RunOutcome::success(m_plan, m_journal);
    } else {
        const Step& failed = m_plan.steps.at(failedIndex >= 0 ? failedIndex : 0);
        const QString what = failedIndex >= 0 ? m_journal.steps.at(failedIndex).message : QString();
        const RunOutcome::Cancel cancel =
            !result.cancelled ? RunOutcome::Cancel::No
            : failedIndex >= 0 && m_journal.steps.at(failedIndex).status == StepStatus::Skipped
                ? RunOutcome::Cancel::BeforeStep
                : RunOutcome::Cancel::InStep;
        result.message =
            m_waiting
                ? what
                : (interrupted
                       ? RunOutcome::interrupted(failed, what, m_plan, m_journal)
                       : RunOutcome::failed(failed, what, cancel, m_plan, m_journal, *m_hosts)) +
                      RunOutcome::untouchedAfterGate(failedIndex, m_plan);
        if (!readOnly.isEmpty())
            result.message += QLatin1Char(' ') + readOnly;
        if (!interrupted && !m_waiting) {
            result.hostsNow = hostsNow();
            if (!result.hostsNow.isEmpty())
                result.message += QStringLiteral(" Now: ") + result.hostsNow;
        }
    }
    m_journal.message = result.message;
    m_journal.finished = QDateTime::currentDateTimeUtc();
    saveJournal();
    for (const QString& role : m_plan.roles())
        recordOnHost(role); // so that the next laptop sees how it ended
    if (result.ok && m_plan.kind == RunKind::Rollback) {
        closeUndoneRun();
    }
    if (result.ok) {
        cleanUpHosts();
    }
    if (!interrupted || m_waiting) { // an interrupted step may still run there: the lock stays
        m_hosts->releaseAll();
    }
    m_hosts.reset(); // sessions are freed on the thread that used them
    log::runner()->info("run {} {}: {}", m_journal.runId.toStdString(),
                        m_journal.status.toStdString(), result.message.toStdString());
    result.journal = m_journal;
    emit finished(result);
}

QString Runner::hostsNow()
{
    // Only where the service was touched: before that, RunOutcome has said it was not stopped.
    QStringList roles;
    for (int i = 0; i < m_plan.steps.size(); ++i) {
        const Step& step = m_plan.steps.at(i);
        const StepStatus status = m_journal.steps.at(i).status;
        const bool touches = step.startsOutage || step.startsService ||
                             (step.kind == StepKind::Script && step.id == QLatin1String("stop"));
        if (touches && status != StepStatus::Pending && status != StepStatus::Skipped &&
            !roles.contains(step.role))
            roles << step.role;
    }
    QStringList said;
    for (const QString& role : roles) {
        SshStatus status;
        HostSession* session = m_hosts->get(role, &status);
        if (!session) {
            said << QStringLiteral("%1 could not be reached (%2)").arg(role, status.message);
            continue;
        }
        said << QStringLiteral("%1: %2; %3.")
                    .arg(role, describeContainers(*session, m_site.hosts.value(role)),
                         serviceState(role));
    }
    return said.join(QLatin1Char(' '));
}

QString Runner::turnReadOnlyOff()
{
    const int off = ReadOnlyGuard::pendingOff(m_plan, m_journal);
    if (off < 0)
        return {};
    const ReadOnlyGuard::Result said =
        ReadOnlyGuard::turnOff(*m_hosts, m_plan, m_journal, off, [this, off](const QString& line) {
            logLine(off, OutputStream::Stderr, line);
        });
    saveJournal();
    if (said.ok)
        emit outageEnded(m_plan.steps.at(off).role, m_journal.outageMs);
    return said.message;
}

void Runner::cleanUpHosts()
{
    const int last = m_plan.steps.size() - 1;
    QStringList lines;
    m_hosts->forEachConnected([&](const QString& role, HostSession& session) {
        lines << applyRetention(session, m_site.hosts.value(role), m_journal,
                                m_site.settings.keepRuns);
    });
    if (lines.isEmpty() || last < 0) {
        return;
    }
    // In the last step's log, where an operator reading the run's end looks.
    m_stepLog.open(m_journal.steps.at(last).logFile, false, stepLogCap());
    for (const QString& line : lines) {
        logLine(last, OutputStream::Stdout, line);
    }
    m_stepLog.close();
}

} // namespace myst
