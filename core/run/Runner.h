#pragma once

#include "core/host/HostLock.h"
#include "core/host/OutputParsers.h"
#include "core/journal/Journal.h"
#include "core/journal/StepLog.h"
#include "core/plan/Plan.h"
#include "core/site/Site.h"
#include "core/ssh/DetachedCommand.h"
#include "core/ssh/RemoteCommand.h"
#include "core/ssh/TransferMeter.h"

#include <QFile>
#include <QMap>
#include <QObject>
#include <QThread>

#include <atomic>
#include <memory>

namespace myst {

struct RunResult
{
    bool ok = false;
    bool cancelled = false;
    QString message;
    SshError connectionError = SshError::None; // set when a host could not be reached
    SshStatus connectionStatus;
    // The run could not start on a host because another upgrade holds its lock: which host,
    // and who (LockHolder::describe), so that the wizard can offer to break a stale lock.
    QString lockedRole;
    QString lockHolder;
    Journal journal;
};

// Runs a plan's steps in order on a worker thread, stops at the first failure, and writes the
// journal after every change of state. Everything reaches the caller as queued signals.
class Runner : public QObject
{
    Q_OBJECT
public:
    // Resume: the journal is of an unfinished run of this plan (planFromJson(journal.plan));
    // its finished steps are skipped and the one that was running is reattached on the host.
    enum class Mode
    {
        Fresh,
        Resume
    };
    Runner(Site site, Plan plan, Journal journal, QObject* parent = nullptr,
           Mode mode = Mode::Fresh);
    ~Runner() override;

    void setAuth(const QString& role, const SshAuth& auth) { m_auth.insert(role, auth); }
    void start();
    void cancel() { m_cancel = true; }
    // Gates (phased: before production) pass at once when auto-approved (the CLI's --yes);
    // otherwise the run waits for approveGate() or cancel().
    void setAutoApproveGates(bool yes) { m_autoApprove = yes; }
    void approveGate() { m_gateApproved = true; }
    bool isRunning() const { return m_thread && m_thread->isRunning(); }
    const Plan& plan() const { return m_plan; }

signals:
    void stepStarted(int index, const myst::StepRecord& step);
    void output(int index, myst::OutputStream stream, const QString& line);
    void captured(const QString& role, const QString& key, const QString& value);
    void stepFinished(int index, const myst::StepRecord& step);
    void finished(const myst::RunResult& result);
    void gateReached(int index, const QString& summary);
    // The service outage as the journal measures it: from the first start of the step that
    // takes MyST Studio down (also one started before a resume) to the end of the step that
    // verifies it is back. outageEnded carries the journal's figure.
    void outageStarted(const QString& role, const QDateTime& since);
    void outageEnded(const QString& role, qint64 outageMs);
    // An upload's progress, at most a few times a second.
    void uploadProgress(int index, const QString& role, const myst::TransferProgress& progress);

private:
    struct Outcome
    {
        bool ok = false;
        int exitCode = -1;
        QString message;
        bool lost = false; // the connection dropped: the step is run again after reconnecting
    };

    void work();
    SshConnection* connectionFor(const QString& role, SshStatus* status);
    // After a successful rollback of an interrupted run: marks that run rolled back.
    void closeUndoneRun();
    // A lock left by a run of this computer that has ended: safe to take over.
    bool isStaleOwnLock(const LockHolder& holder) const;
    Outcome execute(int index, const Step& step, SshConnection& connection);
    // Runs the step's command detached on the host (see DetachedCommand); `part` names one of
    // several commands of a step. After a drop, running it again reattaches.
    Outcome runScript(int index, const Step& step, SshConnection& connection,
                      QStringList* stdoutLines = nullptr, const QString& part = {});
    // After a dropped connection: reopens it in place, with backoff, for up to
    // settings.reconnectSeconds. False when it gave up (or a host key or login problem).
    // For a message after a step timed out: is MyST Studio answering, with which version.
    QString serviceState(const QString& role);
    bool reconnect(int index, const QString& role, SshConnection& connection, QString* why);
    Outcome recordImage(int index, const Step& step, SshConnection& connection);
    Outcome backup(int index, const Step& step, SshConnection& connection);
    Outcome verify(int index, const Step& step, SshConnection& connection);
    Outcome checkRollback(int index, const Step& step, SshConnection& connection);
    Outcome checkReadiness(int index, const Step& step, SshConnection& connection);
    Outcome copyBackup(int index, const Step& step, SshConnection& connection);
    Outcome restoreCopy(int index, const Step& step, SshConnection& connection);
    Outcome checkImage(int index, const Step& step, SshConnection& connection);
    Outcome gate(int index, const Step& step);
    Outcome uploadImage(int index, const Step& step, SshConnection& connection);
    Outcome loadImage(int index, const Step& step, SshConnection& connection);
    bool keepEarlierRecord(int index, const Step& step, const ImageInfo& current, QString* error);
    void capture(const QString& role, const QString& key, const QString& value);
    void logLine(int index, OutputStream stream, const QString& line);
    void saveJournal();
    QString failureAdvice(const Step& failed) const;
    // After a successful run: what older runs left on the hosts goes (HostRetention).
    void cleanUpHosts();
    // Whether a step before `index` ended the outage (resume: nothing is down any more).
    bool outageClosedBefore(int index) const;
    // Whether a step on this host that stops, starts or migrates MyST Studio has begun.
    bool serviceTouched(const QString& role) const;
    // A run (upgrade or upload) that failed before the service changed on a host: pull.sh, or
    // the offline load, may have moved the myst-studio tag already; put the previous image
    // back under it so that the host is as it was and a later restart does not start the new
    // version by surprise. The one place that does so. Returns what happened, for the message.
    QString restorePreviousTag(const QString& role);

    Site m_site;
    Plan m_plan;
    Journal m_journal; // owned by the worker while it runs
    QMap<QString, SshAuth> m_auth;
    std::map<QString, std::unique_ptr<SshConnection>> m_connections;
    std::map<QString, DetachedStep> m_detached;
    Mode m_mode = Mode::Fresh;
    QString m_lockedRole, m_lockHolder; // the last lock refused (see RunResult)
    QSet<int> m_reattach; // resume: steps that were running; their logs are rebuilt from the host
                          // // by file stem, kept across reconnections
    static constexpr int MaxPendingLines = 5000;
    std::atomic<int> m_pendingLines{0}; // output lines posted to this object's thread, not shown
    std::atomic<bool> m_cancel{false};
    std::atomic<bool> m_autoApprove{false};
    std::atomic<bool> m_gateApproved{false};
    std::unique_ptr<QThread> m_thread;
    StepLog m_stepLog;
    qint64 stepLogCap() const { return qint64(m_site.settings.stepLogMegabytes) << 20; }
};

void registerRunnerMetaTypes();

} // namespace myst

Q_DECLARE_METATYPE(myst::StepRecord)
Q_DECLARE_METATYPE(myst::RunResult)
