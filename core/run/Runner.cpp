#include "core/run/Runner.h"

#include "core/ssh/Upload.h"

#include "core/base/AppLog.h"
#include "core/base/ShellQuote.h"
#include "core/base/Validation.h"
#include "core/host/HostLock.h"
#include "core/host/HostRetention.h"
#include "core/host/OutputParsers.h"
#include "core/host/Verify.h"
#include "core/ssh/RemoteCommandJob.h"
#include "core/ssh/RemoteCopy.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QRegularExpression>
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
      m_journal(std::move(journal)), m_mode(mode)
{
    registerRunnerMetaTypes();
    m_journal.pid = QCoreApplication::applicationPid();
    m_journal.machine = QSysInfo::machineHostName();
    if (mode == Mode::Resume) {
        m_journal.status = QStringLiteral("running");
        m_journal.finished = {};
        m_journal.plan = planToJson(m_plan); // as rebuilt (resumePlan), and as shown
        for (int i = 0; i < m_journal.steps.size(); ++i) {
            StepRecord& r = m_journal.steps[i];
            r.command = m_plan.steps.value(i).commandText();
            if (r.status == StepStatus::Running) {
                m_reattach.insert(i);
            }
            if (r.status != StepStatus::Succeeded) {
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
    QString error;
    if (!m_journal.save(&error)) {
        log::runner()->error("{}", error.toStdString());
    }
}

void Runner::capture(const QString& role, const QString& key, const QString& value)
{
    HostRecord& r = m_journal.records[role];
    if (key == QLatin1String("previousImageId"))
        r.previousImageId = value;
    else if (key == QLatin1String("previousVersion"))
        r.previousVersion = value;
    else if (key == QLatin1String("previousTags"))
        r.previousTags = value.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    else if (key == QLatin1String("backupPath"))
        r.backupPath = value;
    else if (key == QLatin1String("newImageId"))
        r.newImageId = value;
    else if (key == QLatin1String("copiedBackupPath"))
        r.copiedBackupPath = value;
    else if (key == QLatin1String("copiedBackupSha256"))
        r.copiedBackupSha256 = value;
    else if (key == QLatin1String("uploadedImagePath"))
        r.uploadedImagePath = value;
    else if (key == QLatin1String("uploadedImageSha256"))
        r.uploadedImageSha256 = value;
    else if (key == QLatin1String("loadedImageId"))
        r.loadedImageId = value;
    saveJournal(); // what rollback needs is on disk before the next step starts
    emit captured(role, key, value);
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

SshConnection* Runner::connectionFor(const QString& role, SshStatus* status)
{
    auto it = m_connections.find(role);
    if (it != m_connections.end()) {
        // Reopened in place: steps hold references to it.
        if (!it->second->isConnected()) {
            *status = it->second->open(m_auth.value(role));
            if (!status->ok()) {
                return nullptr;
            }
        }
        return it->second.get();
    }
    auto connection = std::make_unique<SshConnection>(m_site.hosts.value(role).endpoint);
    *status = connection->open(m_auth.value(role));
    if (!status->ok()) {
        return nullptr;
    }
    // Before anything changes on the host: no other wizard may be upgrading it.
    const QString mystHome = m_site.hosts.value(role).mystHome;
    LockResult lock = HostLock::acquire(*connection, mystHome, LockHolder::me(m_journal.runId),
                                        m_journal.rollbackOf);
    if (!lock.ok && isStaleOwnLock(lock.holder)) {
        // Left by a run of this computer that has ended, but could not release it (its
        // connection was gone at the end): not another wizard, so it is taken over.
        log::runner()->info("taking over the lock of ended run {} on {}",
                            lock.holder.runId.toStdString(), role.toStdString());
        lock = HostLock::acquire(*connection, mystHome, LockHolder::me(m_journal.runId),
                                 lock.holder.runId);
    }
    if (!lock.ok) {
        m_lockedRole = role;
        m_lockHolder = lock.holder.describe();
        *status = SshStatus{};
        status->message = QString(lock.message)
                              .replace(QStringLiteral("<site>"), shellQuote(m_journal.sitePath))
                              .replace(QStringLiteral("<role>"), role);
        return nullptr;
    }
    SshConnection* raw = connection.get();
    m_connections[role] = std::move(connection);
    return raw;
}

// An interrupted upgrade that was rolled back instead of continued is over: it must not be
// offered for Continue again.
void Runner::closeUndoneRun()
{
    QString error;
    std::optional<Journal> undone = Journal::loadRun(m_journal.rollbackOf, &error);
    if (!undone || !undone->isUnfinished()) {
        return;
    }
    undone->status = QStringLiteral("rolled-back");
    undone->message =
        QStringLiteral("Interrupted, then rolled back by run %1.").arg(m_journal.runId);
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

bool Runner::isStaleOwnLock(const LockHolder& holder) const
{
    if (holder.from != LockHolder::me(m_journal.runId).from || !isValidRunId(holder.runId)) {
        return false;
    }
    QString error;
    const std::optional<Journal> run = Journal::loadRun(holder.runId, &error);
    return run && !run->isUnfinished() && !run->ownerIsAlive();
}

void Runner::work()
{
    RunResult result;
    int failedIndex = -1;
    bool interrupted = false;

    int firstPending = 0;
    while (firstPending < m_journal.steps.size() &&
           m_journal.steps.at(firstPending).status == StepStatus::Succeeded) {
        ++firstPending;
    }
    for (int i = 0; i < m_plan.steps.size(); ++i) {
        const Step& step = m_plan.steps.at(i);
        StepRecord& record = m_journal.steps[i];
        if (record.status == StepStatus::Succeeded) {
            continue; // resume: done before
        }
        if (m_cancel) {
            result.cancelled = true;
            break;
        }
        record.status = StepStatus::Running;
        // A step reattached on resume has run on the host since it first started: keep that
        // time, so that its duration and the outage count from then.
        if (!m_reattach.contains(i) || !record.started.isValid())
            record.started = QDateTime::currentDateTimeUtc();
        saveJournal();
        emit stepStarted(i, record);
        if (step.startsOutage) {
            emit outageStarted(step.role, record.started);
        } else if (m_mode == Mode::Resume && i == firstPending) {
            // Resumed inside an outage: it began at a step that finished before the restart.
            for (int k = 0; k < i; ++k) {
                if (m_plan.steps.at(k).startsOutage && m_journal.steps.at(k).started.isValid() &&
                    !outageClosedBefore(i)) {
                    emit outageStarted(m_plan.steps.at(k).role, m_journal.steps.at(k).started);
                    break;
                }
            }
        }

        SshStatus status;
        SshConnection* connection = connectionFor(step.role, &status);
        Outcome outcome;
        if (!connection) {
            result.connectionError = status.error;
            if (m_lockedRole == step.role) {
                result.lockedRole = m_lockedRole;
                result.lockHolder = m_lockHolder;
            }
            result.connectionStatus = status;
            outcome.message = status.message;
        } else {
            // Resuming a step that was running: the host has all its output; read it again.
            m_stepLog.open(record.logFile, m_reattach.contains(i), stepLogCap());
            m_stepLog.write(QStringLiteral("# [%1] %2\n# $ %3\n")
                                .arg(step.role, step.title, record.command)
                                .toUtf8());
            outcome = execute(i, step, *connection);
            // A dropped connection: what the step started goes on on the host. Reconnect and
            // run the step again; a detached command is reattached, not started twice.
            while (!outcome.ok && !m_cancel && (outcome.lost || !connection->isConnected())) {
                QString why;
                if (!reconnect(i, step.role, *connection, &why)) {
                    interrupted = true;
                    result.connectionError = SshError::Lost;
                    outcome.message = why;
                    break;
                }
                outcome = execute(i, step, *connection);
            }
            m_stepLog.write(QStringLiteral("# %1\n").arg(outcome.message).toUtf8());
            m_stepLog.close();
        }
        record.finished = QDateTime::currentDateTimeUtc();
        record.exitCode = outcome.exitCode;
        record.message = outcome.message;
        record.status = outcome.ok    ? StepStatus::Succeeded
                        : interrupted ? StepStatus::Running // it may still run on the host
                                      : (m_cancel ? StepStatus::Cancelled : StepStatus::Failed);
        if (outcome.ok && step.endsOutage) {
            // From the journal's times, so that a resumed run measures the whole outage.
            for (int k = 0; k < i; ++k) {
                if (m_plan.steps.at(k).startsOutage && m_journal.steps.at(k).started.isValid()) {
                    m_journal.outageMs = m_journal.steps.at(k).started.msecsTo(record.finished);
                    emit outageEnded(step.role, m_journal.outageMs);
                    break;
                }
            }
        }
        saveJournal();
        emit stepFinished(i, record);
        if (!outcome.ok) {
            failedIndex = i;
            result.cancelled = m_cancel;
            break;
        }
    }

    for (StepRecord& r : m_journal.steps) {
        if (r.status == StepStatus::Pending) {
            r.status = StepStatus::Skipped;
        }
    }
    result.ok = failedIndex < 0 && !result.cancelled;
    m_journal.status = result.ok          ? QStringLiteral("succeeded")
                       : interrupted      ? QStringLiteral("interrupted")
                       : result.cancelled ? QStringLiteral("cancelled")
                                          : QStringLiteral("failed");
    if (result.ok) {
        if (m_plan.kind == QLatin1String("rollback")) {
            result.message = QStringLiteral("Rollback complete: MyST Studio %1 is running again.")
                                 .arg(m_plan.targetVersion);
        } else if (m_plan.kind == QLatin1String("upload")) {
            const QString role = m_plan.steps.value(0).role;
            const HostRecord r = m_journal.records.value(role);
            result.message =
                QStringLiteral("Image %1 (MyST Studio %2) is loaded on %3 and tagged myst-studio. "
                               "The running service was not restarted; the previous image was "
                               "%4 (undo: docker tag %4 myst-studio).")
                    .arg(r.loadedImageId.left(19), m_plan.targetVersion, role, r.previousImageId);
        } else {
            result.message = QStringLiteral("Upgrade complete: MyST Studio %1 is running.")
                                 .arg(m_plan.targetVersion);
        }
        if (m_journal.outageMs >= 0) {
            result.message +=
                QStringLiteral(" Outage: %1 s.").arg(m_journal.outageMs / 1000.0, 0, 'f', 1);
        }
    } else {
        const Step& failed = m_plan.steps.at(failedIndex >= 0 ? failedIndex : 0);
        const QString what = failedIndex >= 0 ? m_journal.steps.at(failedIndex).message : QString();
        if (interrupted) {
            result.message =
                QStringLiteral("Interrupted at step \"%1\" on %2: %3 The step goes on on the host. "
                               "When it is reachable again, continue with: myst-upgrade resume "
                               "--site %4 --run %5 --yes. ")
                    .arg(failed.title, failed.role, what, shellQuote(m_journal.sitePath),
                         m_journal.runId) +
                failureAdvice(failed);
        } else {
            const QString restored = restorePreviousTag(failed.role);
            result.message = (result.cancelled ? QStringLiteral("Cancelled at step \"%1\" on %2. ")
                                               : QStringLiteral("Step \"%1\" failed on %2: %3 "))
                                 .arg(failed.title, failed.role, what) +
                             (restored.isEmpty() ? failureAdvice(failed) : restored);
        }
        for (int i = failedIndex + 1; i < m_plan.steps.size(); ++i) {
            if (m_plan.steps.at(i).kind == StepKind::Gate) { // failed before the gate
                result.message +=
                    QStringLiteral(" %1 was not changed.").arg(m_plan.steps.at(i).role);
                break;
            }
        }
    }
    m_journal.message = result.message;
    m_journal.finished = QDateTime::currentDateTimeUtc();
    saveJournal();
    if (result.ok && m_plan.kind == QLatin1String("rollback")) {
        closeUndoneRun();
    }
    if (result.ok) {
        cleanUpHosts();
    }
    if (!interrupted) { // an interrupted step may still run there: the lock stays
        for (const auto& [role, connection] : m_connections) {
            if (connection->isConnected()) {
                HostLock::release(*connection, m_site.hosts.value(role).mystHome, m_journal.runId);
            }
        }
    }
    m_connections.clear(); // sessions are freed on the thread that used them
    log::runner()->info("run {} {}: {}", m_journal.runId.toStdString(),
                        m_journal.status.toStdString(), result.message.toStdString());
    result.journal = m_journal;
    emit finished(result);
}

void Runner::cleanUpHosts()
{
    const int last = m_plan.steps.size() - 1;
    QStringList lines;
    for (const auto& [role, connection] : m_connections) {
        if (connection->isConnected()) {
            lines << applyRetention(*connection, m_site.hosts.value(role), m_journal,
                                    m_site.settings.keepRuns);
        }
    }
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

bool Runner::outageClosedBefore(int index) const
{
    for (int k = 0; k < index; ++k) {
        if (m_plan.steps.at(k).endsOutage && m_journal.steps.at(k).status == StepStatus::Succeeded)
            return true;
    }
    return false;
}

bool Runner::serviceTouched(const QString& role) const
{
    static const QStringList serviceScripts{QStringLiteral("stop"), QStringLiteral("start"),
                                            QStringLiteral("restart")};
    for (int i = 0; i < m_plan.steps.size(); ++i) {
        const Step& step = m_plan.steps.at(i);
        const bool changesService =
            step.kind == StepKind::RestoreCopy ||
            (step.kind == StepKind::Script && serviceScripts.contains(step.id));
        const StepStatus status = m_journal.steps.at(i).status;
        if (step.role == role && changesService && status != StepStatus::Pending &&
            status != StepStatus::Skipped) {
            return true;
        }
    }
    return false;
}

QString Runner::restorePreviousTag(const QString& role)
{
    if (m_plan.kind == QLatin1String("rollback") || serviceTouched(role)) {
        return {};
    }
    bool tagMoved = false; // pull or load ran, or began to
    for (int i = 0; i < m_plan.steps.size(); ++i) {
        const Step& step = m_plan.steps.at(i);
        const StepStatus status = m_journal.steps.at(i).status;
        if (step.role == role &&
            (step.id == QLatin1String("pull") || step.kind == StepKind::LoadImage) &&
            (status == StepStatus::Succeeded || status == StepStatus::Failed ||
             status == StepStatus::Cancelled)) {
            tagMoved = true;
        }
    }
    const QString previous = m_journal.records.value(role).previousImageId;
    if (!tagMoved || !isValidImageId(previous)) {
        return {};
    }
    SshStatus status;
    SshConnection* connection = connectionFor(role, &status);
    const QString command = shellCommand(
        {QStringLiteral("docker"), QStringLiteral("tag"), previous, QStringLiteral("myst-studio")});
    const CapturedOutput out = connection ? runCaptured(*connection, command) : CapturedOutput{};
    if (!out.result.succeeded()) {
        return QStringLiteral("MyST Studio was not stopped on %1, but the myst-studio tag may now "
                              "point at the new image and could not be put back (%2); put it "
                              "back by hand before any restart: %3")
            .arg(role,
                 connection ? out.stderrLines.value(0, out.result.errorMessage) : status.message,
                 command);
    }
    log::runner()->info("{}: myst-studio tagged {} again", role.toStdString(),
                        previous.toStdString());
    return QStringLiteral("MyST Studio was not stopped on %1, and myst-studio is tagged %2 again, "
                          "as before the run: there is nothing to roll back on %1.")
        .arg(role, previous.left(19));
}

QString Runner::failureAdvice(const Step& failed) const
{
    if (m_plan.kind == QLatin1String("rollback")) {
        return QStringLiteral("See the step log in %1.").arg(m_journal.logDirectory());
    }
    const HostRecord r = m_journal.records.value(failed.role);
    const QString command =
        QStringLiteral("myst-upgrade rollback --site %1 --run %2 --role %3 --yes")
            .arg(shellQuote(m_journal.sitePath), m_journal.runId, failed.role);
    if (!r.backupPath.isEmpty() && !r.previousImageId.isEmpty()) {
        return QStringLiteral("Rollback is available (previous image %1, backup %2): %3")
            .arg(r.previousImageId.left(19), r.backupPath, command);
    }
    if (!r.previousImageId.isEmpty()) {
        return QStringLiteral("MyST Studio was not stopped. No backup was recorded, so a full "
                              "rollback is not available; if pull.sh already re-tagged the image, "
                              "re-tag the previous one: docker tag %1 myst-studio")
            .arg(r.previousImageId);
    }
    return QStringLiteral("Nothing was changed on the host.");
}

Runner::Outcome Runner::execute(int index, const Step& step, SshConnection& connection)
{
    switch (step.kind) {
    case StepKind::RecordImage:
        return recordImage(index, step, connection);
    case StepKind::Backup:
        return backup(index, step, connection);
    case StepKind::Verify:
        return verify(index, step, connection);
    case StepKind::CheckRollback:
        return checkRollback(index, step, connection);
    case StepKind::Script:
    case StepKind::RetagImage:
        return runScript(index, step, connection);
    case StepKind::CopyBackup:
        return copyBackup(index, step, connection);
    case StepKind::RestoreCopy:
        return restoreCopy(index, step, connection);
    case StepKind::CheckImage:
        return checkImage(index, step, connection);
    case StepKind::Gate:
        return gate(index, step);
    case StepKind::UploadImage:
        return uploadImage(index, step, connection);
    case StepKind::LoadImage:
        return loadImage(index, step, connection);
    case StepKind::CheckReadiness:
        return checkReadiness(index, step, connection);
    }
    return {};
}

Runner::Outcome Runner::runScript(int index, const Step& step, SshConnection& connection,
                                  QStringList* stdoutLines, const QString& part)
{
    const QString stem = QFileInfo(m_journal.steps.at(index).logFile).completeBaseName() +
                         (part.isEmpty() ? QString() : QLatin1Char('-') + part);
    DetachedStep& detached = m_detached[stem];
    if (detached.name.isEmpty()) {
        detached.directory = m_site.hosts.value(step.role).mystHome +
                             QStringLiteral("/.myst-upgrade/runs/") + m_journal.runId;
        detached.name = stem;
    }
    DetachedCommand command(connection, detached, shellCommand(step.argv));
    command.setTimeoutMs(qint64(m_site.settings.stepTimeoutSeconds) * 1000);
    command.setCancelFlag(&m_cancel);
    command.setLineHandler(
        [&](OutputStream stream, const QString& line) { logLine(index, stream, line); });
    const CommandResult result = command.run();
    if (stdoutLines) {
        // The last ones, also those from before a drop; and the last "Backed up to" line,
        // however much came after it.
        *stdoutLines = detached.stdoutTail.lines();
        if (!detached.backupLine.isEmpty() && !stdoutLines->contains(detached.backupLine))
            stdoutLines->prepend(detached.backupLine);
    }
    Outcome out;
    out.exitCode = result.exitStatus;
    out.ok = result.succeeded();
    out.lost = result.error == SshError::Lost;
    if (result.timedOut) {
        out.message = QStringLiteral("timed out after %1 s and was stopped; %2")
                          .arg(m_site.settings.stepTimeoutSeconds)
                          .arg(serviceState(step.role));
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
    const ConsoleResult console = readConsoleVersion(host.consoleUrl, quick, nullptr);
    return console.ok ? QStringLiteral("MyST Studio on %1 answers, showing version %2")
                            .arg(role, console.version)
                      : QStringLiteral("MyST Studio on %1 is not answering (%2)")
                            .arg(role, console.message);
}

bool Runner::reconnect(int index, const QString& role, SshConnection& connection, QString* why)
{
    logLine(index, OutputStream::Stderr,
            QStringLiteral("[wizard] the connection to %1 dropped; the step goes on on the host. "
                           "Reconnecting…")
                .arg(role));
    QElapsedTimer clock;
    clock.start();
    const qint64 budgetMs = qint64(m_site.settings.reconnectSeconds) * 1000;
    int delayMs = 500;
    for (int attempt = 1;; ++attempt) {
        for (int waited = 0; waited < delayMs && !m_cancel; waited += 100) {
            QThread::msleep(100);
        }
        if (m_cancel) {
            *why = QStringLiteral("cancelled while reconnecting to %1.").arg(role);
            return false;
        }
        const SshStatus status = connection.open(m_auth.value(role));
        if (status.ok()) {
            logLine(index, OutputStream::Stdout,
                    QStringLiteral("[wizard] reconnected to %1 (attempt %2, after %3 s); "
                                   "following the step from where it was")
                        .arg(role)
                        .arg(attempt)
                        .arg(clock.elapsed() / 1000.0, 0, 'f', 1));
            return true;
        }
        if (status.error == SshError::HostKeyChanged || status.error == SshError::HostKeyUnknown ||
            status.error == SshError::Auth) {
            *why = QStringLiteral("the connection to %1 dropped and reconnecting was refused: %2")
                       .arg(role, status.message);
            return false;
        }
        if (clock.elapsed() + delayMs > budgetMs) {
            *why = QStringLiteral("the connection to %1 dropped and it could not be reached "
                                  "again for %2 s (%3).")
                       .arg(role)
                       .arg(m_site.settings.reconnectSeconds)
                       .arg(status.message);
            return false;
        }
        delayMs = qMin(delayMs * 2, 15000);
        // Someone is watching this during an outage: say that it is still trying, and until when.
        logLine(index, OutputStream::Stderr,
                QStringLiteral("[wizard] %1 not reachable yet (attempt %2: %3); next try in %4 s, "
                               "%5 s left")
                    .arg(role)
                    .arg(attempt)
                    .arg(status.message)
                    .arg(delayMs / 1000.0, 0, 'f', 1)
                    .arg((budgetMs - clock.elapsed()) / 1000));
    }
}

Runner::Outcome Runner::recordImage(int index, const Step& step, SshConnection& connection)
{
    QStringList lines;
    Outcome out = runScript(index, step, connection, &lines);
    if (!out.ok) {
        out.message = QStringLiteral("cannot inspect the myst-studio image (%1)").arg(out.message);
        return out;
    }
    QString error;
    const auto info = parseImageInspect(lines.join(QLatin1Char('\n')), &error);
    if (!info) {
        return {false, out.exitCode, error};
    }
    if (keepEarlierRecord(index, step, *info, &error)) {
        out.message = QStringLiteral("myst-studio already is the new image; the previous image "
                                     "recorded by the earlier attempt is kept");
        return out;
    }
    if (!error.isEmpty()) {
        return {false, out.exitCode, error};
    }
    capture(step.role, QStringLiteral("previousImageId"), info->id);
    capture(step.role, QStringLiteral("previousTags"), info->tags.join(QLatin1Char(' ')));
    capture(step.role, QStringLiteral("previousVersion"), info->version);
    out.message = QStringLiteral("current image %1 (%2)")
                      .arg(info->id, info->version.isEmpty() ? QStringLiteral("version unknown")
                                                             : info->version);
    return out;
}

// When myst-studio already is the image this run installs, an earlier attempt got past pull or
// load and then stopped. Recording that image as "previous" would make rollback re-tag the new
// image, so the record of the earlier attempt is kept instead; without one, the run stops.
bool Runner::keepEarlierRecord(int index, const Step& step, const ImageInfo& current,
                               QString* error)
{
    QString targetId;
    for (const Step& s : m_plan.steps) {
        if (s.role == step.role && s.kind == StepKind::LoadImage)
            targetId = s.imageId;
    }
    const bool isTarget =
        targetId.isEmpty() ? (m_plan.kind == QLatin1String("upgrade") &&
                              !current.version.isEmpty() && current.version == m_plan.targetVersion)
                           : current.id == targetId;
    if (!isTarget) {
        return false;
    }
    const std::optional<Journal> run =
        Journal::earlierRecord(m_journal.sitePath, step.role, current.id, m_journal.runId);
    if (run && run->kind == QLatin1String("upgrade") && run->status == QLatin1String("succeeded")) {
        *error = QStringLiteral("MyST Studio on %1 is already %2: run %3 upgraded it. Nothing "
                                "was changed.")
                     .arg(step.role, current.version, run->runId);
        return false;
    }
    const std::optional<HostRecord> earlier =
        run ? std::optional<HostRecord>(run->records.value(step.role)) : std::nullopt;
    if (!earlier) {
        *error = QStringLiteral(
                     "myst-studio already is the image being installed (%1, %2) and no earlier "
                     "run recorded the image before it, so a rollback could not put it back. "
                     "Re-tag the previous image (docker tag <ID> myst-studio) and run again.")
                     .arg(current.id.left(19), current.version);
        return false;
    }
    logLine(index, OutputStream::Stdout,
            QStringLiteral("myst-studio already is %1 (%2): run %3 got this far. Keeping its "
                           "record of the previous image: %4 (%5)")
                .arg(current.id.left(19), current.version, run->runId, earlier->previousImageId,
                     earlier->previousVersion));
    capture(step.role, QStringLiteral("previousImageId"), earlier->previousImageId);
    capture(step.role, QStringLiteral("previousTags"),
            earlier->previousTags.join(QLatin1Char(' ')));
    capture(step.role, QStringLiteral("previousVersion"), earlier->previousVersion);
    return true;
}

Runner::Outcome Runner::backup(int index, const Step& step, SshConnection& connection)
{
    QStringList lines;
    Outcome out = runScript(index, step, connection, &lines);
    if (!out.ok) {
        return out;
    }
    QString error;
    const auto path = parseBackupPath(lines, &error);
    if (!path) {
        return {false, out.exitCode, error};
    }
    // Trust, but verify: the file is there and not empty before anything is stopped.
    const CapturedOutput test = runCaptured(
        connection, shellCommand({QStringLiteral("test"), QStringLiteral("-s"), *path}));
    if (!test.result.succeeded()) {
        return {false, out.exitCode,
                QStringLiteral("backup-database.sh reported %1, but that file is missing or empty "
                               "on the host")
                    .arg(*path)};
    }
    capture(step.role, QStringLiteral("backupPath"), *path);
    out.message = QStringLiteral("backed up to %1").arg(*path);
    return out;
}

Runner::Outcome Runner::verify(int index, const Step& step, SshConnection& connection)
{
    const auto forward = [&](OutputStream stream, const QString& line) {
        logLine(index, stream, line);
    };
    const StartupLogResult log =
        checkStartupLog(connection, step.argv.value(0), m_site.settings, forward, &m_cancel);
    if (!log.ok) {
        return {false, -1, log.message};
    }
    const CapturedOutput inspect = runCaptured(
        connection, shellCommand({QStringLiteral("docker"), QStringLiteral("image"),
                                  QStringLiteral("inspect"), QStringLiteral("myst-studio")}));
    QString error;
    if (const auto info = parseImageInspect(inspect.stdoutLines.join(QLatin1Char('\n')), &error)) {
        if (m_plan.kind == QLatin1String("upgrade")) {
            capture(step.role, QStringLiteral("newImageId"), info->id);
        } else if (!step.imageId.isEmpty() && info->id != step.imageId) {
            return {false, -1,
                    QStringLiteral("myst-studio is tagged %1, not the previous image %2")
                        .arg(info->id, step.imageId)};
        }
    }
    const SiteHost host = m_site.hosts.value(step.role);
    if (host.consoleUrl.isEmpty()) {
        return {true, 0, log.message + QStringLiteral("; no console URL set, version not checked")};
    }
    const ConsoleResult console = readConsoleVersion(host.consoleUrl, m_site.settings, &m_cancel);
    logLine(index, OutputStream::Stdout, QStringLiteral("[console] ") + console.message);
    if (!console.ok) {
        return {false, -1, console.message};
    }
    if (!step.expectVersion.isEmpty() && console.version != step.expectVersion) {
        return {false, -1,
                QStringLiteral("the console shows MyST Studio %1, expected %2")
                    .arg(console.version, step.expectVersion)};
    }
    return {true, 0, QStringLiteral("%1; console shows %2").arg(log.message, console.version)};
}

Runner::Outcome Runner::checkRollback(int index, const Step& step, SshConnection& connection)
{
    if (isValidRunId(m_journal.rollbackOf)) {
        const int limit = m_site.settings.stepTimeoutSeconds;
        const CapturedOutput waited =
            runCaptured(connection,
                        waitForInterruptedStepsCommand(m_site.hosts.value(step.role).mystHome +
                                                           QStringLiteral("/.myst-upgrade/runs/") +
                                                           m_journal.rollbackOf,
                                                       limit),
                        qint64(limit + 60) * 1000);
        for (const QString& l : waited.stdoutLines)
            logLine(index, OutputStream::Stdout, l);
        if (!waited.result.succeeded()) {
            return {false, -1,
                    QStringLiteral("Could not make sure no step of run %1 is still running on "
                                   "%2 (%3): rollback refused, nothing was changed.")
                        .arg(m_journal.rollbackOf, step.role, waited.result.describe()),
                    waited.result.error == SshError::Lost};
        }
    }
    const CapturedOutput image =
        runCaptured(connection, shellCommand({QStringLiteral("docker"), QStringLiteral("image"),
                                              QStringLiteral("inspect"), QStringLiteral("--format"),
                                              QStringLiteral("{{.Id}}"), step.imageId}));
    for (const QString& l : image.stdoutLines + image.stderrLines)
        logLine(index, OutputStream::Stdout, l);
    if (!image.result.succeeded()) {
        return {false, image.result.exitStatus,
                QStringLiteral("The previous image %1 is no longer on the host (removed?): "
                               "rollback refused, nothing was changed.")
                    .arg(step.imageId)};
    }
    const CapturedOutput backup = runCaptured(
        connection, shellCommand({QStringLiteral("test"), QStringLiteral("-s"), step.backupPath}));
    if (!backup.result.succeeded()) {
        return {false, backup.result.exitStatus,
                QStringLiteral("The backup %1 is missing or empty on the host: rollback refused, "
                               "nothing was changed.")
                    .arg(step.backupPath)};
    }
    return {true, 0,
            QStringLiteral("image %1 and backup %2 are present")
                .arg(step.imageId.left(19), step.backupPath)};
}

Runner::Outcome Runner::checkReadiness(int index, const Step& step, SshConnection& connection)
{
    const HostRecord r = m_journal.records.value(step.role);
    if (!isValidImageId(r.previousImageId) || !isSafeAbsolutePath(r.backupPath)) {
        return {false, -1,
                QStringLiteral("Rollback is not ready on %1: the run has not recorded %2. "
                               "MyST Studio was not stopped.")
                    .arg(step.role, isValidImageId(r.previousImageId)
                                        ? QStringLiteral("a database backup")
                                        : QStringLiteral("the previous image"))};
    }
    // One login for the three checks.
    const CapturedOutput out = runCaptured(
        connection,
        shellCommand({QStringLiteral("sh"), QStringLiteral("-c"),
                      QStringLiteral("docker image inspect --format '{{.Id}}' \"$1\" >/dev/null "
                                     "2>&1 && echo image || echo no-image\n"
                                     "[ -s \"$2\" ] && echo \"backup $(stat -c %s -- \"$2\")\" || "
                                     "echo no-backup\n"
                                     "echo \"free $(df -Pk -- \"$3\" | awk 'NR==2 {print $4}')\""),
                      QStringLiteral("myst-ready"), r.previousImageId, r.backupPath,
                      step.argv.value(0)}));
    const QStringList lines = out.stdoutLines;
    for (const QString& l : out.stderrLines)
        logLine(index, OutputStream::Stderr, l);
    QStringList problems;
    if (!lines.contains(QStringLiteral("image")))
        problems << QStringLiteral("the previous image %1 is not on the host")
                        .arg(r.previousImageId.left(19));
    const QString backupLine =
        lines.filter(QRegularExpression(QStringLiteral("^backup "))).value(0);
    if (backupLine.isEmpty())
        problems << QStringLiteral("the backup %1 is missing or empty").arg(r.backupPath);
    bool freeKnown = false;
    const qint64 freeMb = lines.filter(QRegularExpression(QStringLiteral("^free ")))
                              .value(0)
                              .mid(5)
                              .toLongLong(&freeKnown) /
                          1024;
    if (!freeKnown)
        problems << QStringLiteral("the free disk in %1 could not be read").arg(step.argv.value(0));
    else if (freeMb < m_site.settings.minFreeMegabytes)
        problems << QStringLiteral(
                        "only %1 MB free in %2, %3 MB needed (settings.minFreeMegabytes)")
                        .arg(freeMb)
                        .arg(step.argv.value(0))
                        .arg(m_site.settings.minFreeMegabytes);
    // What was found, as a person reads it (the raw answers are "image", "backup N", "free K").
    logLine(index, OutputStream::Stdout,
            QStringLiteral("previous image %1: %2")
                .arg(r.previousImageId.left(19), lines.contains(QStringLiteral("image"))
                                                     ? QStringLiteral("present")
                                                     : QStringLiteral("missing")));
    logLine(index, OutputStream::Stdout,
            QStringLiteral("backup %1: %2")
                .arg(r.backupPath, backupLine.isEmpty() ? QStringLiteral("missing or empty")
                                                        : QLocale::c().formattedDataSize(
                                                              backupLine.mid(7).toLongLong())));
    logLine(index, OutputStream::Stdout,
            QStringLiteral("free disk in %1: %2 (at least %3 MB wanted)")
                .arg(step.argv.value(0),
                     freeKnown ? QStringLiteral("%1 MB").arg(freeMb) : QStringLiteral("unknown"))
                .arg(m_site.settings.minFreeMegabytes));
    if (!problems.isEmpty()) {
        return {false, -1,
                QStringLiteral("Rollback is not ready on %1: %2. MyST Studio was not stopped.")
                    .arg(step.role, problems.join(QStringLiteral("; ")))};
    }
    return {true, 0,
            QStringLiteral("previous image %1 present, backup %2 (%3), %4 MB free")
                .arg(r.previousImageId.left(19), r.backupPath,
                     QLocale::c().formattedDataSize(backupLine.mid(7).toLongLong()))
                .arg(freeMb)};
}

Runner::Outcome Runner::copyBackup(int index, const Step& step, SshConnection& target)
{
    const QString source = m_journal.records.value(step.sourceRole).backupPath;
    // A name of this run's own: both hosts may name backups by date alone, and the copy must
    // never replace the target's own backup, which its rollback restores.
    const QString targetPath =
        m_site.hosts.value(step.role).mystHome +
        QStringLiteral("/backup/myst-upgrade-%1-from-%2-%3")
            .arg(m_journal.runId, step.sourceRole, source.section(QLatin1Char('/'), -1));
    if (!isSafeAbsolutePath(source) || !isSafeAbsolutePath(targetPath)) {
        return {false, -1,
                QStringLiteral("No usable backup of %1 was recorded to copy").arg(step.sourceRole)};
    }
    for (const HostRecord& r : std::as_const(m_journal.records)) {
        if (targetPath == r.backupPath || targetPath == r.copiedBackupPath) {
            return {false, -1,
                    QStringLiteral("The copy's name %1 is a backup this run recorded; refused, "
                                   "so that no backup is overwritten")
                        .arg(targetPath)};
        }
    }
    SshStatus status;
    SshConnection* from = connectionFor(step.sourceRole, &status);
    if (!from) {
        return {false, -1, status.message};
    }
    logLine(index, OutputStream::Stdout,
            QStringLiteral("copying %1 (%2) to %3 (%4)")
                .arg(source, step.sourceRole, targetPath, step.role));
    const CopyResult copy = copyBetweenHosts(
        *from, source, target, targetPath,
        [&](qint64 done, qint64 total) {
            logLine(index, OutputStream::Stdout,
                    QStringLiteral("copied %1 of %2 (%3%)")
                        .arg(QLocale::c().formattedDataSize(done),
                             QLocale::c().formattedDataSize(total))
                        .arg(total ? done * 100 / total : 100));
        },
        &m_cancel);
    if (!copy.ok) {
        return {false, -1, copy.message};
    }
    capture(step.role, QStringLiteral("copiedBackupPath"), targetPath);
    capture(step.role, QStringLiteral("copiedBackupSha256"), copy.sha256);
    return {true, 0, copy.message};
}

Runner::Outcome Runner::restoreCopy(int index, const Step& step, SshConnection& connection)
{
    Step run = step;
    const QString copied = m_journal.records.value(step.role).copiedBackupPath;
    run.argv << copied;
    if (!isSafeAbsolutePath(copied)) {
        return {false, -1, QStringLiteral("No copied backup was recorded on %1").arg(step.role)};
    }
    Outcome out = runScript(index, run, connection);
    if (!out.ok || step.keepFile) {
        return out;
    }
    // Production's data on a test host: not kept once it is restored (--keep-prod-copy does).
    const CapturedOutput removed = runCaptured(
        connection,
        shellCommand({QStringLiteral("rm"), QStringLiteral("-f"), QStringLiteral("--"), copied}));
    logLine(index, OutputStream::Stdout,
            removed.result.succeeded()
                ? QStringLiteral("[cleanup] removed the copy of %1's backup, %2, from %3: it is "
                                 "restored")
                      .arg(step.sourceRole, copied, step.role)
                : QStringLiteral("[cleanup] could not remove the copy of %1's backup %2 from %3 "
                                 "(%4): remove it by hand")
                      .arg(step.sourceRole, copied, step.role, removed.result.describe()));
    return out;
}

Runner::Outcome Runner::checkImage(int index, const Step& step, SshConnection& connection)
{
    const QString verified = m_journal.records.value(step.sourceRole).newImageId;
    const CapturedOutput inspect = runCaptured(
        connection, shellCommand({QStringLiteral("docker"), QStringLiteral("image"),
                                  QStringLiteral("inspect"), QStringLiteral("myst-studio")}));
    QString error;
    const auto info = parseImageInspect(inspect.stdoutLines.join(QLatin1Char('\n')), &error);
    if (!info) {
        return {false, -1, error};
    }
    logLine(index, OutputStream::Stdout,
            QStringLiteral("%1 now has %2; %3 verified %4")
                .arg(step.role, info->id, step.sourceRole, verified));
    if (!verified.isEmpty() && info->id == verified) {
        return {true, 0,
                QStringLiteral("the image is the one verified on %1").arg(step.sourceRole)};
    }
    // The run's end puts the previous tag back (restorePreviousTag): nothing was stopped.
    return {false, -1,
            QStringLiteral("%1 pulled image %2, not the image %3 verified on %4")
                .arg(step.role, info->id, verified.isEmpty() ? QStringLiteral("(none)") : verified,
                     step.sourceRole)};
}

Runner::Outcome Runner::gate(int index, const Step& step)
{
    const QString summary =
        QStringLiteral("%1 is verified on MyST Studio %2. Go on with %3 (outage)?")
            .arg(step.sourceRole, m_plan.targetVersion, step.role);
    logLine(index, OutputStream::Stdout, summary);
    if (!m_autoApprove) {
        m_gateApproved = false;
        emit gateReached(index, summary);
        while (!m_gateApproved && !m_cancel) {
            QThread::msleep(100);
        }
    }
    if (m_cancel) {
        return {false, -1,
                QStringLiteral("Stopped before %1: nothing was changed there").arg(step.role)};
    }
    return {true, 0, QStringLiteral("approved")};
}

} // namespace myst

namespace myst {

Runner::Outcome Runner::uploadImage(int index, const Step& step, SshConnection& connection)
{
    TransferMeter meter;
    int loggedTenths = -1;
    const auto progress = [&](qint64 done, qint64 total) {
        const std::optional<TransferProgress> p = meter.update(done, total);
        if (!p) {
            return;
        }
        emit uploadProgress(index, step.role, *p);
        const int tenths = total > 0 ? int(done * 10 / total) : 10;
        if (tenths != loggedTenths) { // the step log gets every tenth, not every report
            loggedTenths = tenths;
            QString line = QStringLiteral("uploaded %1 of %2 (%3%)")
                               .arg(QLocale::c().formattedDataSize(done),
                                    QLocale::c().formattedDataSize(total))
                               .arg(tenths * 10);
            if (p->bytesPerSecond > 0) {
                line += QStringLiteral(", %1/s").arg(
                    QLocale::c().formattedDataSize(qint64(p->bytesPerSecond)));
            }
            logLine(index, OutputStream::Stdout, line);
        }
    };
    logLine(index, OutputStream::Stdout,
            QStringLiteral("uploading %1 to %2/").arg(step.localPath, step.remotePath));
    const UploadResult r =
        uploadFile(connection, step.localPath, step.remotePath, progress, &m_cancel);
    logLine(index, r.ok ? OutputStream::Stdout : OutputStream::Stderr, r.message);
    if (!r.ok) {
        return {false, -1, r.message, r.connectionLost};
    }
    if (r.resumedFrom == r.size) { // nothing was sent: the bar still ends full
        TransferProgress full;
        full.done = full.total = r.size;
        full.last = true;
        full.etaSeconds = 0;
        emit uploadProgress(index, step.role, full);
    }
    capture(step.role, QStringLiteral("uploadedImagePath"), r.remotePath);
    capture(step.role, QStringLiteral("uploadedImageSha256"), r.sha256);
    return {true, 0,
            r.resumedFrom > 0 && r.resumedFrom < r.size
                ? QStringLiteral("resumed at %1, sent %2; sha256 confirmed by the host")
                      .arg(QLocale::c().formattedDataSize(r.resumedFrom),
                           QLocale::c().formattedDataSize(r.sentBytes))
                : (r.sentBytes == 0 ? QStringLiteral("already on the host, sha256 confirmed")
                                    : QStringLiteral("sent %1; sha256 confirmed by the host")
                                          .arg(QLocale::c().formattedDataSize(r.sentBytes)))};
}

Runner::Outcome Runner::loadImage(int index, const Step& step, SshConnection& connection)
{
    const QString archive = m_journal.records.value(step.role).uploadedImagePath;
    if (!isSafeAbsolutePath(archive)) {
        return {false, -1,
                QStringLiteral("No uploaded image archive was recorded on %1").arg(step.role)};
    }
    const QString importScript = step.argv.value(0);
    const bool hasImport =
        runCaptured(connection,
                    shellCommand({QStringLiteral("test"), QStringLiteral("-x"), importScript}))
            .result.succeeded();
    Outcome out;
    Step run = step;
    if (hasImport) {
        run.argv = QStringList{importScript, archive};
        logLine(index, OutputStream::Stdout, QStringLiteral("$ ") + shellCommand(run.argv));
        out = runScript(index, run, connection, nullptr, QStringLiteral("import"));
    } else {
        run.argv = QStringList{QStringLiteral("docker"), QStringLiteral("load"),
                               QStringLiteral("-i"), archive};
        logLine(index, OutputStream::Stdout,
                QStringLiteral("this host has no import.sh: docker load, then docker tag"));
        logLine(index, OutputStream::Stdout, QStringLiteral("$ ") + shellCommand(run.argv));
        out = runScript(index, run, connection, nullptr, QStringLiteral("load"));
        if (out.ok) {
            run.argv = QStringList{QStringLiteral("docker"), QStringLiteral("tag"), step.imageId,
                                   QStringLiteral("myst-studio")};
            logLine(index, OutputStream::Stdout, QStringLiteral("$ ") + shellCommand(run.argv));
            out = runScript(index, run, connection, nullptr, QStringLiteral("tag"));
        }
    }
    if (!out.ok) {
        return out;
    }
    // myst-studio must now be the archive's image, whatever the script did.
    const CapturedOutput inspect = runCaptured(
        connection, shellCommand({QStringLiteral("docker"), QStringLiteral("image"),
                                  QStringLiteral("inspect"), QStringLiteral("myst-studio")}));
    QString error;
    const auto info = parseImageInspect(inspect.stdoutLines.join(QLatin1Char('\n')), &error);
    if (!info || info->id != step.imageId) {
        // The run's end puts the previous tag back (restorePreviousTag).
        return {false, -1,
                QStringLiteral("after loading, myst-studio is %1, not the archive's image %2")
                    .arg(info ? info->id : error, step.imageId)};
    }
    capture(step.role, QStringLiteral("loadedImageId"), info->id);
    return {true, 0,
            QStringLiteral("myst-studio is now %1 (%2)")
                .arg(info->id.left(19),
                     info->version.isEmpty() ? QStringLiteral("version unknown") : info->version)};
}

} // namespace myst
