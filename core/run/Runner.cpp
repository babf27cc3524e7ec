#include "core/run/Runner.h"
#include "core/journal/RunNames.h"

#include "core/base/AppLog.h"
#include "core/base/ShellQuote.h"
#include "core/host/HostRecordStore.h"
#include "core/host/HostRetention.h"
#include "core/host/HostState.h"
#include "core/host/Verify.h"
#include "core/run/HostConnections.h"
#include "core/run/ReadOnlyGuard.h"
#include "core/run/RunOutcome.h"
#include "core/run/steps/StepExecutors.h"
#include "core/run/steps/StepRetry.h"
#include "core/ssh/RemoteCommandJob.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFileInfo>
#include <QSysInfo>

namespace myst {

void registerRunnerMetaTypes()
{
    registerCoreMetaTypes();
    qRegisterMetaType<myst::StepRecord>();
    qRegisterMetaType<myst::RunResult>();
    qRegisterMetaType<myst::TransferProgress>();
}

Runner::Runner(Site site, Plan plan, Journal journal, QObject* parent, Mode mode)
    : QObject(parent), m_site(std::move(site)), m_plan(std::move(plan)),
      m_journal(std::move(journal)), m_mode(mode), m_factory(sshHostSessions())
{
    registerRunnerMetaTypes();
    m_journal.pid = QCoreApplication::applicationPid();
    m_journal.machine = QSysInfo::machineHostName();
    if (mode == Mode::Resume) {
        m_journal.status = RunStatus::Running;
        m_journal.finished = {};
        m_journal.plan = planToJson(m_plan); // as rebuilt (RunSession::planResume), as shown
        for (int i = 0; i < m_journal.steps.size(); ++i) {
            StepRecord& r = m_journal.steps[i];
            r.command = m_plan.steps.value(i).commandText();
            if (r.status == StepStatus::Running) {
                m_reattach.insert(i);
            }
            if (!isDone(r.status)) {
                r.status = StepStatus::Pending;
            }
        }
        return;
    }
    m_journal.plan = planToJson(m_plan);
    m_journal.kind = m_plan.kind;
    m_journal.approach = m_plan.approach;
    m_journal.targetVersion = m_plan.targetVersion;
    m_journal.sitePath = QFileInfo(m_site.path).absoluteFilePath();
    const QStringList roles = m_plan.roles();
    // Only the hosts this run touches, as the site file names them (no secrets there).
    const QJsonObject allHosts = m_site.toJson().value(QStringLiteral("hosts")).toObject();
    for (const QString& role : roles) {
        m_journal.hosts.insert(role, allHosts.value(role));
    }
    const bool manyRoles = roles.size() > 1;
    for (int i = 0; i < m_plan.steps.size(); ++i) {
        const Step& s = m_plan.steps.at(i);
        StepRecord r;
        r.id = s.id;
        r.title = s.title;
        r.role = s.role;
        r.command = s.commandText();
        r.logFile = QStringLiteral("%1/%2-%3%4.log")
                        .arg(m_journal.logDirectory())
                        .arg(i + 1, 2, 10, QLatin1Char('0'))
                        .arg(manyRoles ? s.role + QLatin1Char('-') : QString(), s.id);
        m_journal.steps << r;
    }
}

Runner::~Runner()
{
    if (m_thread) {
        m_cancel = true;
        m_thread->wait();
    }
}

void Runner::start()
{
    QString error;
    m_journal.save(&error);
    m_thread.reset(QThread::create([this] { work(); }));
    m_thread->start();
}

void Runner::saveJournal()
{
    if (m_hosts)
        m_journal.bootIds = m_hosts->bootIds();
    QString error;
    if (!m_journal.save(&error)) {
        log::runner()->error("{}", error.toStdString());
    }
}

void Runner::capture(const QString& role, CaptureKey key, const QString& value)
{
    m_journal.records[role].set(key, value);
    saveJournal(); // what rollback needs is on disk before the next step starts
    // The host's copy is written when the step ends, right after: every executor captures as
    // it returns, and one write per fact (an SSH command each, 14 ms on loopback, a round trip
    // and more across the world) cost a short step as much as its own command.
    emit captured(role, captureKeyName(key), value);
}

void Runner::recordOnHost(const QString& role)
{
    // A run that has only looked at the host (a rollback refused by its checks) leaves it as it
    // was: nothing to record until it captured something there or started a step that acts.
    const auto acts = [&](int i) {
        const StepKind kind = m_plan.steps.at(i).kind;
        const StepStatus status = m_journal.steps.at(i).status;
        return m_plan.steps.at(i).role == role && status != StepStatus::Pending &&
               status != StepStatus::Skipped && kind != StepKind::CheckRollback &&
               kind != StepKind::CheckBackup && kind != StepKind::CheckImage &&
               kind != StepKind::Gate && kind != StepKind::CheckReadiness &&
               kind != StepKind::CheckActive;
    };
    bool worth = m_journal.records.contains(role);
    for (int i = 0; !worth && i < m_plan.steps.size(); ++i)
        worth = acts(i);
    if (!m_hosts || !worth)
        return;
    // Only a host already connected: this never opens a connection a step has not asked for.
    m_hosts->forEachConnected([&](const QString& connected, HostSession& session) {
        if (connected != role)
            return;
        QString error;
        if (!HostRecordStore::write(session, m_site.hosts.value(role).mystHome,
                                    HostRunRecord::fromJournal(m_journal, role), &error)) {
            log::runner()->warn("{}", error.toStdString());
            if (m_stepLog.isOpen())
                logLine(m_index, OutputStream::Stderr, error);
        }
    });
}

void Runner::logLine(int index, OutputStream stream, const QString& line)
{
    if (m_stepLog.isOpen()) {
        const QByteArray prefix =
            QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss.zzz")).toUtf8() +
            (stream == OutputStream::Stderr ? " err " : " out ");
        m_stepLog.writeLine(prefix, line);
    }
    if (QThread::currentThread() == thread()) {
        emit output(index, stream, line);
        return;
    }
    // Lines reach the CLI or the wizard through the event loop of the thread this Runner
    // belongs to. When that is slower than a host prints, the worker waits here rather than
    // queue without bound (a step printing 500 MB must not become 500 MB of queued lines).
    while (m_pendingLines.load() > MaxPendingLines && !m_cancel) {
        QThread::msleep(2);
    }
    ++m_pendingLines;
    QMetaObject::invokeMethod(
        this,
        [this, index, stream, line] {
            --m_pendingLines;
            emit output(index, stream, line);
        },
        Qt::QueuedConnection);
}

HostSession* Runner::host(const QString& role, SshStatus* status)
{
    return m_hosts->get(role, status);
}

bool Runner::waitAtGate(const QString& summary)
{
    if (!m_autoApprove) {
        m_gateApproved = false;
        emit gateReached(m_index, summary);
        while (!m_gateApproved && !m_cancel) {
            QThread::msleep(100);
        }
    }
    return !m_cancel;
}

GateAnswer Runner::waitForManualChange(const QString& summary)
{
    if (m_manualChangeDone)
        return GateAnswer::Approved;
    if (m_autoApprove)
        return GateAnswer::NotGiven; // --yes is not "the change is made"
    return waitAtGate(summary) ? GateAnswer::Approved : GateAnswer::Cancelled;
}

void Runner::reportUpload(const QString& role, const TransferProgress& progress)
{
    emit uploadProgress(m_index, role, progress);
}

StepOutcome Runner::runScript(const Step& step, HostSession& host, QStringList* stdoutLines,
                              const QString& part)
{
    const QString stem = QFileInfo(m_journal.steps.at(m_index).logFile).completeBaseName() +
                         (part.isEmpty() ? QString() : QLatin1Char('-') + part);
    DetachedStep& detached = m_detached[stem];
    if (detached.name.isEmpty()) {
        detached.directory = m_site.hosts.value(step.role).mystHome +
                             QStringLiteral("/.myst-upgrade/runs/") + m_journal.runId;
        detached.name = stem;
    }
    const int index = m_index;
    QString setting;
    const int timeoutSeconds = m_site.settings.timeoutFor(step.id, &setting);
    const CommandResult result = host.runDetached(
        detached, hostCommandLine(step.argv),
        [this, index](OutputStream stream, const QString& line) { logLine(index, stream, line); },
        qint64(timeoutSeconds) * 1000, &m_cancel);
    if (stdoutLines) {
        // The last ones, also those from before a drop; and the last "Backed up to" line,
        // however much came after it.
        *stdoutLines = detached.stdoutTail.lines();
        if (!detached.backupLine.isEmpty() && !stdoutLines->contains(detached.backupLine))
            stdoutLines->prepend(detached.backupLine);
    }
    StepOutcome out;
    out.exitCode = result.exitStatus;
    out.ok = result.succeeded();
    out.lost = result.error == SshError::Lost;
    if (result.timedOut) {
        const QStringList& said = detached.stdoutTail.lines();
        out.message =
            QStringLiteral("timed out after %1 s (settings.%2) and was stopped; the last "
                           "it printed: %3; %4")
                .arg(timeoutSeconds)
                .arg(setting,
                     said.isEmpty() ? QStringLiteral("nothing")
                                    : QLatin1Char('"') + said.last().left(200) + QLatin1Char('"'),
                     serviceState(step.role));
    } else {
        out.message = result.describe();
        if (!out.ok && result.exitStatus > 0 && !detached.lastStderrLine.isEmpty()) {
            out.message += QStringLiteral(": ") + detached.lastStderrLine.left(300);
        }
    }
    return out;
}

QString Runner::serviceState(const QString& role)
{
    const SiteHost host = m_site.hosts.value(role);
    if (host.consoleUrl.isEmpty()) {
        return QStringLiteral("MyST Studio may be in an intermediate state (no console URL to "
                              "check it)");
    }
    RunSettings quick = m_site.settings; // a look, not a wait for it to come up
    quick.consoleTimeoutSeconds = qMin(quick.consoleTimeoutSeconds, 3);
    SshStatus status;
    HostSession* session = m_hosts ? m_hosts->get(role, &status) : nullptr;
    if (!session) {
        return QStringLiteral("MyST Studio on %1 could not be checked (%2)")
            .arg(role, status.message);
    }
    const ConsoleResult console = readConsoleVersion(*session, host, quick, nullptr);
    return console.ok ? QStringLiteral("MyST Studio on %1 answers, showing version %2")
                            .arg(role, console.version)
                      : QStringLiteral("MyST Studio on %1 is not answering (%2)")
                            .arg(role, console.message);
}

void Runner::work()
{
    m_hosts = std::make_unique<HostConnections>(m_site, m_journal, m_cancel, m_factory);
    for (auto it = m_auth.begin(); it != m_auth.end(); ++it)
        m_hosts->setAuth(it.key(), it.value());
    RunResult result;
    int failedIndex = -1;
    bool interrupted = false;
    int firstPending = 0;
    while (firstPending < m_journal.steps.size() &&
           isDone(m_journal.steps.at(firstPending).status)) {
        ++firstPending;
    }
    // Accepted at its last step: nothing runs, but each host's record must say how it ended.
    if (m_mode == Mode::Resume && firstPending == m_journal.steps.size()) {
        for (const QString& role : m_plan.roles()) {
            SshStatus status;
            m_hosts->get(role, &status);
        }
    }
    // A resumed blue/green run whose laptop died while the active instance was read-only:
    // writable again first, whatever comes next.
    if (m_mode == Mode::Resume)
        turnReadOnlyOff();
    // The same when an interrupted zero-downtime run is rolled back instead of continued.
    if (m_plan.kind == RunKind::Rollback && !m_journal.rollbackOf.isEmpty())
        ReadOnlyGuard::turnOffForUndoneRun(
            *m_hosts, m_journal.rollbackOf,
            [this](const QString& line) { logLine(0, OutputStream::Stderr, line); });
    for (int i = 0; i < m_plan.steps.size(); ++i) {
        const Step& step = m_plan.steps.at(i);
        StepRecord& record = m_journal.steps[i];
        if (isDone(record.status)) { // resume: done before, or accepted
            // An accepted verify ends the outage as a passed one does: the console answered.
            if (record.status == StepStatus::Accepted && step.endsOutage && m_journal.outageMs < 0)
                measureOutage(i, step);
            continue;
        }
        if (m_cancel) { // between steps: the run stops before this one
            result.cancelled = true;
            failedIndex = i;
            break;
        }
        m_index = i;
        record.status = StepStatus::Running;
        // A step reattached on resume has run on the host since it first started: keep that
        // time, so that its duration and the outage count from then.
        if (!m_reattach.contains(i) || !record.started.isValid())
            record.started = QDateTime::currentDateTimeUtc();
        saveJournal();
        recordOnHost(step.role);
        emit stepStarted(i, record);
        if (step.startsOutage)
            emit outageStarted(step.role, record.started);
        else if (m_mode == Mode::Resume && i == firstPending)
            reportOpenOutage(i);

        const StepOutcome outcome = runStep(i, step, result, interrupted);
        if (outcome.waiting)
            interrupted = m_waiting = true;
        record.finished = QDateTime::currentDateTimeUtc();
        record.exitCode = outcome.exitCode;
        record.message = outcome.message;
        record.judgement = outcome.ok ? QStringList() : outcome.judgement;
        record.status = outcome.ok    ? StepStatus::Succeeded
                        : interrupted ? StepStatus::Running // it may still run on the host
                                      : (m_cancel ? StepStatus::Cancelled : StepStatus::Failed);
        if (outcome.ok && step.endsOutage)
            measureOutage(i, step);
        saveJournal();
        recordOnHost(step.role);
        emit stepFinished(i, record);
        if (!outcome.ok) {
            failedIndex = i;
            result.cancelled = m_cancel;
            break;
        }
    }
    finish(result, failedIndex, interrupted);
}

StepOutcome Runner::runStep(int i, const Step& step, RunResult& result, bool& interrupted)
{
    const StepRecord& record = m_journal.steps.at(i);
    SshStatus status;
    HostSession* session = m_hosts->get(step.role, &status);
    StepOutcome outcome;
    if (!session) {
        result.connectionError = status.error;
        if (m_hosts->lockedRole() == step.role) {
            result.lockedRole = m_hosts->lockedRole();
            result.lockHolder = m_hosts->lockHolder();
        }
        result.connectionStatus = status;
        outcome.message = status.message;
        return outcome;
    }
    // Resumed after the host restarted: the step's process went with the boot it ran in; it
    // is never reattached or signalled. With Retry asked for, and the step safe to repeat, that
    // lost attempt is recorded and the step runs afresh.
    const bool restarted = m_hosts->takeRestart(step.role);
    bool restartedBefore = restarted && m_reattach.contains(i);
    const RetrySafety retry = retrySafety(step);
    if (restartedBefore && m_retryRestarted && retry.safe) {
        StepRecord& again = m_journal.steps[i];
        again.status = StepStatus::Failed;
        again.finished = QDateTime::currentDateTimeUtc();
        again.startAnotherAttempt(
            QStringLiteral("%1 restarted (boot ID changed) while it ran; its outcome is not known")
                .arg(step.role));
        again.status = StepStatus::Running;
        again.started = QDateTime::currentDateTimeUtc();
        m_journal.decisions << OperatorDecision::now(DecisionKind::Retry, i, retry.reason);
        m_reattach.remove(i);
        restartedBefore = false;
        saveJournal();
        emit stepStarted(i, again);
    }
    // Resuming a step that was running: the host has all its output; read it again.
    m_stepLog.open(record.logFile, m_reattach.contains(i), stepLogCap());
    m_stepLog.write(
        QStringLiteral("# [%1] %2\n# $ %3\n").arg(step.role, step.title, record.command).toUtf8());
    if (restarted && !restartedBefore)
        logLine(i, OutputStream::Stderr,
                QStringLiteral("[wizard] %1 restarted since this run last reached it (its boot "
                               "ID changed): what ran there before is gone")
                    .arg(step.role));
    const StepExecutor execute = executorFor(step.kind);
    outcome = restartedBefore ? restartedOutcome(step, *session) : execute(*this, step, *session);
    // A dropped connection: what the step started goes on on the host. Reconnect and run the
    // step again; a detached command is reattached, not started twice.
    while (!outcome.ok && !m_cancel && (outcome.lost || !session->isConnected())) {
        QString why;
        const auto log = [this, i](OutputStream stream, const QString& line) {
            logLine(i, stream, line);
        };
        if (!m_hosts->reconnect(step.role, *session, log, &why)) {
            interrupted = true;
            result.connectionError = SshError::Lost;
            outcome.message = why;
            break;
        }
        outcome = m_hosts->takeRestart(step.role) ? restartedOutcome(step, *session)
                                                  : execute(*this, step, *session);
    }
    m_stepLog.write(QStringLiteral("# %1\n").arg(outcome.message).toUtf8());
    m_stepLog.close();
    return outcome;
}

StepOutcome Runner::restartedOutcome(const Step& step, HostSession& session)
{
    const RetrySafety retry = retrySafety(step);
    StepOutcome out;
    out.message =
        QStringLiteral("%1 restarted (boot ID changed) while \"%2\" was running; its outcome is "
                       "not known. Now on %1: %3; %4. %5")
            .arg(step.role, step.title, describeContainers(session, m_site.hosts.value(step.role)),
                 serviceState(step.role),
                 retry.safe
                     ? QStringLiteral("It is safe to run again (%1): Retry.").arg(retry.reason)
                     : QStringLiteral("It is not run again by itself: %1.").arg(retry.reason));
    logLine(m_index, OutputStream::Stderr, QStringLiteral("[wizard] ") + out.message);
    return out;
}

} // namespace myst
