#pragma once

#include "core/journal/Journal.h"
#include "core/journal/StepLog.h"
#include "core/plan/Plan.h"
#include "core/run/StepContext.h"
#include "core/site/Site.h"
#include "core/ssh/HostSession.h"
#include "core/ssh/TransferMeter.h"

#include <QMap>
#include <QObject>
#include <QSet>
#include <QThread>

#include <atomic>
#include <map>
#include <memory>

namespace myst {

class HostConnections;

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
    // After a failed step: what runs on each host whose service the run touched, and whether
    // MyST Studio answers there (what "Leave it as it is" leaves).
    QString hostsNow;
    Journal journal;
};

// Runs a plan's steps in order on a worker thread, stops at the first failure, and writes the
// journal after every change of state. The loop, the statuses and the signals are here; each
// step kind is an executor of its own (core/run/steps/), the hosts are HostConnections', and
// what the end of a run says is RunOutcome's. Everything reaches the caller as queued signals.
class Runner : public QObject, private StepContext
{
    Q_OBJECT
public:
    // Resume: the journal is of an unfinished run of this plan (RunSession::planResume); its
    // finished steps are skipped and the one that was running is reattached on the host.
    enum class Mode
    {
        Fresh,
        Resume
    };
    Runner(Site site, Plan plan, Journal journal, QObject* parent = nullptr,
           Mode mode = Mode::Fresh);
    ~Runner() override;

    void setAuth(const QString& role, const SshAuth& auth) { m_auth.insert(role, auth); }
    // The hosts a run talks to; SSH unless a test scripts them. Before start().
    void setHostSessionFactory(HostSessionFactory factory) { m_factory = std::move(factory); }
    void start();
    void cancel() { m_cancel = true; }
    // Gates (phased: before production) pass at once when auto-approved (the CLI's --yes);
    // otherwise the run waits for approveGate() or cancel().
    void setAutoApproveGates(bool yes) { m_autoApprove = yes; }
    void approveGate() { m_gateApproved = true; }
    // Blue/green with a manual switch: the operator says the change is made (the CLI's
    // --switched). Without it, a run with auto-approved gates stops at the manual switch and
    // waits there for `resume --switched`; the wizard waits at the gate for approveGate().
    void setManualChangeDone(bool done) { m_manualChangeDone = done; }
    // Resume with Retry (the CLI's --retry, the wizard's Retry): a step that was running when
    // its host restarted runs again, when it is safe to repeat (core/run/steps/StepRetry),
    // instead of failing with "restarted". Before start().
    void setRetryRestarted(bool retry) { m_retryRestarted = retry; }
    bool isRunning() const { return m_thread && m_thread->isRunning(); }
    const Plan& plan() const override { return m_plan; }

signals:
    void stepStarted(int index, const myst::StepRecord& step);
    void output(int index, myst::OutputStream stream, const QString& line);
    void captured(const QString& role, const QString& key, const QString& value);
    void stepFinished(int index, const myst::StepRecord& step);
    void finished(const myst::RunResult& result);
    void gateReached(int index, const QString& summary);
    // The service outage as the journal measures it (blue/green: the read-only window, from
    // read-only-on to read-only-off, when writes are refused): from the first start of the step
    // that takes MyST Studio down (also one started before a resume) to the end of the step that
    // verifies it is back. outageEnded carries the journal's figure.
    void outageStarted(const QString& role, const QDateTime& since);
    void outageEnded(const QString& role, qint64 outageMs);
    // An upload's progress, at most a few times a second.
    void uploadProgress(int index, const QString& role, const myst::TransferProgress& progress);

private:
    void work();
    // One step, with reconnection after drops; `interrupted` when the host stayed away.
    StepOutcome runStep(int index, const Step& step, RunResult& result, bool& interrupted);
    void measureOutage(int index, const Step& step);
    // The step's host restarted while it ran: what is known, and what is running there now.
    StepOutcome restartedOutcome(const Step& step, HostSession& session);
    // Resumed inside an outage: it began at a step that finished before the restart.
    void reportOpenOutage(int index);
    void finish(RunResult& result, int failedIndex, bool interrupted);
    QString hostsNow(); // RunResult::hostsNow
    // After a successful rollback of an interrupted run: marks that run rolled back.
    void closeUndoneRun();
    // After a successful run: what older runs left on the hosts goes (HostRetention).
    void cleanUpHosts();
    void saveJournal();
    // The run's record of `role` on that host too (HostRecordStore), when it is connected.
    void recordOnHost(const QString& role);
    void logLine(int index, OutputStream stream, const QString& line);
    qint64 stepLogCap() const { return qint64(m_site.settings.stepLogMegabytes) << 20; }

    // StepContext, for the executors of core/run/steps/.
    const Site& site() const override { return m_site; }
    const Journal& journal() const override { return m_journal; }
    int stepIndex() const override { return m_index; }
    void log(OutputStream stream, const QString& line) override { logLine(m_index, stream, line); }
    void capture(const QString& role, CaptureKey key, const QString& value) override;
    StepOutcome runScript(const Step& step, HostSession& host, QStringList* stdoutLines,
                          const QString& part) override;
    HostSession* host(const QString& role, SshStatus* status) override;
    const std::atomic<bool>* cancelFlag() const override { return &m_cancel; }
    bool waitAtGate(const QString& summary) override;
    GateAnswer waitForManualChange(const QString& summary) override;
    // Blue/green: read-only mode turned off out of turn (ReadOnlyGuard); "" when not needed.
    QString turnReadOnlyOff();
    void reportUpload(const QString& role, const TransferProgress& progress) override;
    QString serviceState(const QString& role) override;

    Site m_site;
    Plan m_plan;
    Journal m_journal; // owned by the worker while it runs
    Mode m_mode = Mode::Fresh;
    QMap<QString, SshAuth> m_auth;
    HostSessionFactory m_factory;
    std::unique_ptr<HostConnections> m_hosts; // made on the worker thread, freed there
    // A step's command on its host, by log-file stem: outlives reconnections (DetachedStep).
    std::map<QString, DetachedStep> m_detached;
    QSet<int> m_reattach; // resume: steps that were running; their logs are rebuilt from the host
    int m_index = -1;     // the step running now
    static constexpr int MaxPendingLines = 5000;
    std::atomic<int> m_pendingLines{0}; // output lines posted to this object's thread, not shown
    std::atomic<bool> m_cancel{false};
    std::atomic<bool> m_autoApprove{false};
    std::atomic<bool> m_gateApproved{false};
    std::atomic<bool> m_manualChangeDone{false};
    bool m_waiting = false; // stopped at a manual switch, nothing running on a host
    bool m_retryRestarted = false;
    std::unique_ptr<QThread> m_thread;
    StepLog m_stepLog;
};

void registerRunnerMetaTypes();

} // namespace myst

Q_DECLARE_METATYPE(myst::StepRecord)
Q_DECLARE_METATYPE(myst::RunResult)
