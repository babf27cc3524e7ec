// The Run page's one Rollback button: what it offers (a switch back for a blue/green run, else
// the rollback dialog), stopping a run that is still going first, and starting the rollback
// from what the upgrade recorded.
#include "ui/pages/RunPage.h"

#include "ui/run/HostLogs.h"
#include "ui/run/RunDialogs.h"
#include "ui/run/StatusStyle.h"
#include "ui/run/StepTable.h"
#include "ui/run/SwitchBack.h"
#include "ui/widgets/LogPane.h"
#include "ui/wizard/UpgradeWizard.h"

#include "core/session/RunSession.h"

namespace myst {

void RunPage::askRollback()
{
    const Journal* upgrade = upgradeRun();
    if (const auto back = switchBackPlan(m_plan, upgrade, wizardOf(this)->state().site)) {
        m_rollbackAsked = true; // one button: the previous instance serves again
        if (m_runner) { // a continued run still going: it stops first, then this is asked again
            m_rollbackRole.clear();
            setState(State::Stopping);
            m_runner->cancel();
            return;
        }
        m_logs->pane(back->steps.last().role)->appendNote(tr("──────── Switch back ────────"));
        startRun(*back, RunSession::newJournal(*back, upgrade->runId), Runner::Mode::Fresh);
        return;
    }
    RollbackOffer offer = RollbackOffer::from(m_recorded, wizardOf(this)->state().site);
    offer.since = (upgrade ? upgrade->started.toLocalTime() : m_launched)
                      .toString(QStringLiteral("HH:mm:ss"));
    offer.cancelsRun = bool(m_runner);
    RunDialogs::chooseRollback(this, offer, [this](const QString& role) { requestRollback(role); });
}

void RunPage::requestRollback(const QString& role)
{
    m_rollbackAsked = true;
    if (m_runner) {
        m_rollbackRole = role;
        setState(State::Stopping); // the rollback starts once the upgrade has stopped
        m_runner->cancel();
        return;
    }
    startRollback(role);
}

void RunPage::startRollback(const QString& role)
{
    const Journal* upgrade = upgradeRun();
    QString error;
    Plan plan;
    if (!upgrade) {
        setState(State::Finished);
        return;
    }
    if (!RunSession::planRollback(wizardOf(this)->state().site, *upgrade, role, &plan, &error)) {
        setStatus(error, StatusRed);
        setState(State::Finished);
        return;
    }
    m_again = [this, role] {
        m_steps->dropRun(); // the refused attempt's rows; the upgrade's stay
        startRollback(role);
    };
    m_logs->pane(role)->appendNote(QStringLiteral("──────── Rollback ────────"));
    startRun(plan, RunSession::newJournal(plan, upgrade->runId), Runner::Mode::Fresh);
}

const Journal* RunPage::upgradeRun() const
{
    const QList<Journal>& runs = wizardOf(this)->state().runs;
    return !runs.isEmpty() && runs.first().kind == RunKind::Upgrade ? &runs.first() : nullptr;
}

} // namespace myst
