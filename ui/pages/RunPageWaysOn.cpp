// The Run page once a run has stopped short: the failed step's ways on (Retry, Accept and
// continue, Roll back, Leave it as it is; core/session/FailedStep decides what is offered and
// records what was chosen), and breaking a stale lock that refused the run.
#include "ui/pages/RunPage.h"

#include "ui/run/FailurePanel.h"
#include "ui/run/HostLogs.h"
#include "ui/run/StatusStyle.h"
#include "ui/run/StepTable.h"
#include "ui/widgets/LogPane.h"
#include "ui/wizard/UpgradeWizard.h"

#include "core/base/Background.h"
#include "core/host/HostLock.h"
#include "core/session/FailedStep.h"
#include "core/ssh/SshConnection.h"

namespace myst {

namespace {

// The run the failure panel is about: the last this page ran or continued.
Journal lastRun(const QWizardPage* page)
{
    const QList<Journal>& runs = wizardOf(page)->state().runs;
    return runs.isEmpty() ? Journal{} : runs.last();
}
} // namespace

void RunPage::showFailure(const Journal& run)
{
    const FailureChoices can = FailedStep::choices(run, m_plan);
    const HostRecord record = m_recorded.value(m_plan.steps.value(can.index).role);
    const QString rollback =
        canRollBack() && !record.backupPath.isEmpty()
            ? tr("the previous image and the database backup %1").arg(record.backupPath)
            : QString();
    m_failure->setFailure(m_plan, run, can, m_hostsNow, rollback);
    setState(State::Failed);
}

void RunPage::showFailedRun(const Journal& run, const Plan& plan)
{
    m_plan = plan;
    m_steps->addRun(plan);
    for (const QString& role : plan.roles())
        m_logs->pane(role);
    fitSplit();
    showDoneBefore(plan, run);
    if (const int i = run.firstUndoneStep(); i >= 0) {
        m_steps->stepFinished(i, run.steps.at(i));
        m_logs->replay(run.steps.at(i)); // what the failed step said
    }
    setStatus(run.message, StatusRed);
    m_hostsNow.clear();
    showFailure(run);
}

void RunPage::retryFailedStep()
{
    Journal run = lastRun(this);
    QString error;
    if (!FailedStep::prepareRetry(run, m_plan, &error)) {
        setStatus(error, StatusRed);
        return;
    }
    const OperatorDecision& d = run.decisions.last();
    m_logs->pane(m_plan.steps.at(d.step).role)
        ->appendNote(tr("──────── Retry: step %1, attempt %2, by %3 ────────")
                         .arg(d.step + 1)
                         .arg(run.steps.at(d.step).attempts.size() + 1)
                         .arg(d.by));
    relaunch(run, true);
}

void RunPage::acceptFailure()
{
    Journal run = lastRun(this);
    QString error;
    if (!FailedStep::prepareAccept(run, &error)) {
        setStatus(error, StatusRed);
        return;
    }
    const OperatorDecision& d = run.decisions.last();
    m_steps->stepFinished(d.step, run.steps.at(d.step));
    m_logs->pane(m_plan.steps.at(d.step).role)
        ->appendNote(tr("Accepted by %1: %2").arg(d.by, run.steps.at(d.step).message));
    relaunch(run, false);
}

void RunPage::leaveAsIs()
{
    Journal run = lastRun(this);
    FailedStep::recordLeave(run, m_hostsNow);
    QString error;
    run.save(&error);
    keep(run);
    setStatus(tr("Left as it is by %1; nothing more was changed. %2 The Start page offers the "
                 "ways on again (Continue).")
                  .arg(run.decisions.last().by,
                       m_hostsNow.isEmpty() ? run.message : tr("Now: %1").arg(m_hostsNow)),
              StatusRed);
    setState(State::Finished);
}

void RunPage::relaunch(Journal run, bool retryRestarted)
{
    QString error;
    run.save(&error); // the decision is on disk before anything runs
    keep(run);
    // A lock that refuses it, once broken, continues this run (not a fresh upgrade).
    m_again = [this, run, retryRestarted] {
        QString error; // as it is on disk now: steps may have run since
        relaunch(Journal::loadRun(run.runId, &error).value_or(run), retryRestarted);
    };
    launchRun(run, Runner::Mode::Resume, retryRestarted);
}

void RunPage::breakLock()
{
    const QString role = m_lockedRole;
    const SiteHost host = wizardOf(this)->state().site.hosts.value(role);
    const SshAuth auth = wizardOf(this)->state().auth.value(role);
    setState(State::BreakingLock);
    setStatus(tr("Breaking the lock on %1…").arg(role));
    runInBackground<LockResult>(
        this,
        [host, auth] {
            SshConnection connection(host.endpoint);
            const SshStatus status = connection.open(auth);
            if (!status.ok())
                return LockResult{false, {}, status.message};
            return HostLock::breakLock(connection, host.mystHome);
        },
        [this, role](LockResult broken) {
            if (!broken.ok) {
                setStatus(tr("The lock on %1 was not broken: %2").arg(role, broken.message),
                          StatusRed);
                setState(State::Locked);
                return;
            }
            m_again();
            m_logs->pane(role)->appendNote(broken.message);
        });
}

} // namespace myst
