#pragma once

#include "core/journal/Journal.h"
#include "core/plan/Plan.h"
#include "core/run/Runner.h"

#include <QDateTime>
#include <QMap>
#include <QPointer>
#include <QTimer>
#include <QWizardPage>

#include <functional>
#include <optional>

class QFrame;
class QLabel;
class QProgressBar;
class QSplitter;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace myst {

class LogPane;

// Runs the plan: the step list (status, duration) beside the host's live log, an outage timer
// while the service is down, Cancel, and the Rollback button, enabled as soon as a backup path
// is recorded.
class RunPage : public QWizardPage
{
    Q_OBJECT
public:
    RunPage();
    void initializePage() override;
    bool isComplete() const override;
    void cleanupPage() override {}

private:
    void startRun(const Plan& plan, Journal journal, Runner::Mode mode = Runner::Mode::Fresh);
    // One dialog per host whose password or passphrase is neither entered nor in the keychain.
    void askSecrets(QStringList roles, std::function<void()> then);
    void launchRun(const Plan& plan, const Journal& journal, Runner::Mode mode);
    // Continuing a run: what a finished step showed, read back from its log file.
    void replayStepLog(const StepRecord& step);
    void onStepStarted(int index, const StepRecord& step);
    void onStepFinished(int index, const StepRecord& step);
    void onFinished(const RunResult& result);
    void askCancel();
    void askRollback();
    // Another upgrade's lock stopped the run: after a warning naming the holder, break it on
    // a worker thread and start the run again.
    void askBreakLock();
    void breakLockAndRetry();
    // Sets the page up anew to continue this run (Resume mode).
    void continueRun(const Journal& run);
    void startRollback(const QString& role);
    void onGate(int index, const QString& summary);
    LogPane* paneFor(const QString& role);
    void tick();
    qint64 sinceOutageStarted() const;
    QString outageText(qint64 ms) const;
    void onUploadProgress(int index, const QString& role, const TransferProgress& progress);

    QTreeWidget* m_steps;
    QSplitter* m_layoutSplitter; // steps beside the log (one host) or above the logs (two)
    QSplitter* m_panes;
    QMap<QString, LogPane*> m_logs;
    QFrame* m_gate;
    QLabel* m_gateText;
    QLabel* m_status;
    QProgressBar* m_upload; // an offline image on its way to a host
    QLabel* m_uploadText;
    QLabel* m_outage;
    QPushButton* m_cancel;
    QPushButton* m_rollback;
    QPushButton* m_breakLock;
    QPushButton* m_resume; // after an interrupted run: reconnect and follow it again
    QString m_lockedRole, m_lockHolder;
    std::optional<Journal> m_resumedFrom; // the interrupted run this page continues, if any
    QPointer<Runner> m_runner;
    bool m_isRollbackRun = false;
    bool m_rollbackQueued = false;
    QString m_rollbackRole;
    bool m_done = false;
    int m_firstRow = 0;      // rows of the current run start here (a rollback appends its steps)
    QDateTime m_stepStarted; // wall clock, as the journal: a resumed step counts from its start
    int m_runningRow = -1;
    QDateTime m_outageStarted; // when stop.sh started, also before a restart of the wizard
    bool m_outageOpen = false;
    QTimer m_ticker;
    QString m_backupPath;
    QString m_previousImage;
};

} // namespace myst
