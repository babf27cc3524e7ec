#pragma once

#include "core/journal/Journal.h"
#include "core/journal/RunNames.h"
#include "core/plan/Plan.h"
#include "core/run/Runner.h"

#include <QDateTime>
#include <QMap>
#include <QPointer>
#include <QWizardPage>

#include <functional>

class QLabel;
class QPushButton;
class QSplitter;

namespace myst {

class FailurePanel;
class GatePanel;
class HostLogs;
class HostSecrets;
class LogPane;
class OutageClock;
class StepTable;
class UploadMeter;

// Runs the plan: the step list (status, duration) beside the hosts' live logs, the outage
// while the service is down, Cancel, and Roll back, enabled as soon as a backup is recorded.
// Where the page is (State) decides what it offers; setState() is the one place that does.
class RunPage : public QWizardPage
{
    Q_OBJECT
public:
    enum class State
    {
        Idle,         // set up; nothing asked or started yet
        NotStarted,   // no plan, or a secret was declined: nothing was changed
        Preparing,    // reading the keychain, or asking for a secret it does not hold
        Running,      // a Runner works through the plan
        AtGate,       // phased: non-production is verified, production waits for the operator
        Stopping,     // Roll back chosen mid-run: the upgrade stops, then the rollback starts
        BreakingLock, // the operator confirmed breaking another upgrade's lock
        Failed,       // a step failed: the failure panel offers Retry, Accept, Roll back, Leave
        Finished,     // succeeded, failed or cancelled; Roll back stays offered
        Interrupted,  // the host was lost and its step goes on there: Reconnect and continue
        Locked        // another upgrade's lock refused the run: Break the lock
    };

    RunPage();
    void initializePage() override;
    bool isComplete() const override;
    void cleanupPage() override {}
    State runState() const { return m_state; }

private:
    void setState(State state);
    // A page set up anew for one of the ways in (WizardState::Mode).
    void reset(const QString& title);
    void startUpgrade();
    void startRecordedRollback(const Journal& upgrade);
    // Continue (Start page), Reconnect and continue, or after the lock was broken: the run as
    // its journal on disk has it now, else as this page last had it.
    void continueRun(const Journal& run);
    // Roll back chosen on this page: after the upgrade has stopped when it still runs.
    void requestRollback(const QString& role);
    void startRollback(const QString& role);
    void notStarted(const QString& why);

    void startRun(const Plan& plan, const Journal& journal, Runner::Mode mode);
    void showDoneBefore(const Plan& plan, const Journal& journal); // a continued run
    // The steps beside the log, titles whole; or above two hosts' logs. And Tab through them.
    void fitSplit();
    void launchRun(const Journal& journal, Runner::Mode mode, bool retryRestarted = false);
    void onStepStarted(int index, const StepRecord& step);
    void onStepFinished(int index, const StepRecord& step);
    void onCaptured(const QString& role, const QString& key, const QString& value);
    void onFinished(const RunResult& result);
    void askRollback();
    void breakLock();
    // The failure panel's ways on (core/session/FailedStep decides and records them).
    void showFailure(const Journal& run);
    void showFailedRun(const Journal& run, const Plan& plan); // Continue of a failed run
    void retryFailedStep();
    void acceptFailure();
    void leaveAsIs();
    // A failed run, once the operator chose Retry or Accept: on, on this page, as it is.
    void relaunch(Journal run, bool retryRestarted);

    bool isRollback() const { return m_plan.kind == RunKind::Rollback; }
    bool canRollBack() const;
    // The upgrade this page ran or continued, as last recorded; null before it first ends.
    const Journal* upgradeRun() const;
    void keep(const Journal& run); // into WizardState::runs, for the Summary page
    void setStatus(const QString& text, const QString& style = {});

    StepTable* m_steps;
    HostLogs* m_logs;
    QSplitter* m_split; // the steps beside the log (one host) or above the logs (two)
    GatePanel* m_gate;
    FailurePanel* m_failure;
    UploadMeter* m_upload;
    QLabel* m_status;
    OutageClock* m_outage;
    QPushButton* m_cancel;
    QPushButton* m_rollback;
    QPushButton* m_breakLock;
    QPushButton* m_resume;

    State m_state = State::Idle;
    Plan m_plan; // the run under way or last run
    QPointer<Runner> m_runner;
    QPointer<HostSecrets> m_secrets;      // what the run's hosts need that no page asked for
    std::function<void()> m_again;        // starts the last run again, once its lock is broken
    QDateTime m_launched;                 // when this page started the upgrade (before its journal)
    QMap<QString, HostRecord> m_recorded; // per host: the backup and previous image, as taken
    bool m_rollbackAsked = false;         // one rollback per page
    QString m_rollbackRole; // the host to roll back once the run going has stopped; empty:
                            // ask again then (a switch back asked for while a run went on)
    QString m_lockedRole, m_lockHolder;
    QString m_hostsNow; // after a failed step: what runs on the hosts (RunResult::hostsNow)
};

} // namespace myst
