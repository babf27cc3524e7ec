#include "ui/pages/RunPage.h"
#include "core/journal/RunNames.h"

#include "ui/run/FailurePanel.h"
#include "ui/run/GatePanel.h"
#include "ui/run/HostLogs.h"
#include "ui/run/HostSecrets.h"
#include "ui/run/OutageClock.h"
#include "ui/run/RunDialogs.h"
#include "ui/run/RunTitle.h"
#include "ui/run/StatusStyle.h"
#include "ui/run/StepTable.h"
#include "ui/run/SwitchBack.h"
#include "ui/run/UploadMeter.h"
#include "ui/widgets/LogPane.h"
#include "ui/widgets/TabOrder.h"
#include "ui/wizard/Roles.h"
#include "ui/wizard/UpgradeWizard.h"

#include "core/session/FailedStep.h"
#include "core/session/RunSession.h"
#include "ui/widgets/PlainText.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QStyle>
#include <QVBoxLayout>

namespace myst {

RunPage::RunPage()
{
    setTitle(tr("Upgrade"));
    m_steps = new StepTable(this);
    m_logs = new HostLogs(this);
    m_split = new QSplitter(this);
    m_split->addWidget(m_steps);
    m_split->addWidget(m_logs);
    // A wider window widens the logs, whose long lines scroll anyway; the steps keep the room
    // startRun gives them.
    m_split->setStretchFactor(0, 0);
    m_split->setStretchFactor(1, 1);
    m_gate = new GatePanel(this);
    m_failure = new FailurePanel(this);
    m_upload = new UploadMeter(this);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("runStatusLabel"));
    m_status->setWordWrap(true);
    plaintext::makePlain(m_status);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_outage = new OutageClock(this);
    m_cancel = new QPushButton(tr("Cancel run"), this);
    m_cancel->setObjectName(QStringLiteral("cancelRunButton"));
    m_rollback =
        new QPushButton(style()->standardIcon(QStyle::SP_BrowserReload), tr("Roll back"), this);
    m_rollback->setObjectName(QStringLiteral("rollbackButton"));
    m_breakLock = new QPushButton(tr("Break the lock…"), this);
    m_breakLock->setObjectName(QStringLiteral("breakLockButton"));
    m_resume = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay),
                               tr("Reconnect and continue"), this);
    m_resume->setObjectName(QStringLiteral("resumeRunButton"));
    m_resume->setToolTip(tr("The step went on on the host; follow it again from where it was"));

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_outage);
    buttons->addStretch();
    buttons->addWidget(m_breakLock);
    buttons->addWidget(m_resume);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_rollback);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_split, 1);
    layout->addWidget(m_gate);
    layout->addWidget(m_failure);
    layout->addWidget(m_upload);
    layout->addWidget(m_status);
    layout->addLayout(buttons);

    connect(m_gate, &GatePanel::continueClicked, this, [this] {
        setStatus(tr("Upgrading…"));
        setState(State::Running);
        if (m_runner)
            m_runner->approveGate();
    });
    connect(m_gate, &GatePanel::stopClicked, this, [this] {
        setStatus(tr("Stopping at the gate…"));
        setState(State::Running); // until the run has stopped
        if (m_runner)
            m_runner->cancel();
    });
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        RunDialogs::confirmCancel(this, [this] {
            if (m_runner)
                m_runner->cancel();
        });
    });
    connect(m_rollback, &QPushButton::clicked, this, &RunPage::askRollback);
    connect(m_failure, &FailurePanel::retryClicked, this, &RunPage::retryFailedStep);
    connect(m_failure, &FailurePanel::acceptClicked, this, &RunPage::acceptFailure);
    connect(m_failure, &FailurePanel::rollbackClicked, this, &RunPage::askRollback);
    connect(m_failure, &FailurePanel::leaveClicked, this, &RunPage::leaveAsIs);
    connect(m_breakLock, &QPushButton::clicked, this, [this] {
        RunDialogs::confirmBreakLock(this, m_lockedRole, m_lockHolder, [this] { breakLock(); });
    });
    connect(m_resume, &QPushButton::clicked, this, [this] {
        const QList<Journal>& runs = wizardOf(this)->state().runs;
        if (!runs.isEmpty())
            continueRun(runs.last()); // the one that was interrupted: the last this page ran
    });
    setState(State::Idle);
}

void RunPage::setState(State state)
{
    m_state = state;
    const bool busy = state == State::Preparing || state == State::Running ||
                      state == State::AtGate || state == State::Stopping ||
                      state == State::BreakingLock;
    if (UpgradeWizard* wizard = wizardOf(this)) // none while the wizard builds its pages
        wizard->setBusy(busy);
    m_cancel->setEnabled(state == State::Running || state == State::AtGate);
    // Offered from the backup on, also after a successful upgrade: problems often show only
    // after verify. Not while something else is under way on the hosts' behalf.
    m_rollback->setEnabled(canRollBack() && state != State::Idle && state != State::Stopping &&
                           state != State::BreakingLock);
    m_rollback->setVisible(state != State::Failed); // the failure panel offers it then
    m_failure->setVisible(state == State::Failed);
    m_resume->setVisible(state == State::Interrupted);
    m_breakLock->setVisible(state == State::Locked);
    m_gate->setVisible(state == State::AtGate);
    emit completeChanged();
}

bool RunPage::isComplete() const
{
    return m_state == State::NotStarted || m_state == State::Finished ||
           m_state == State::Interrupted || m_state == State::Locked;
}

bool RunPage::canRollBack() const
{
    if (isRollback() || m_rollbackAsked)
        return false;
    for (const HostRecord& record : m_recorded) {
        if (!record.backupPath.isEmpty())
            return true;
    }
    return false;
}

void RunPage::initializePage()
{
    WizardState& state = wizardOf(this)->state();
    state.runs.clear(); // a page of its own: the Summary reports what ran on it
    switch (state.mode) {
    case WizardState::Mode::Upgrade:
        startUpgrade();
        break;
    case WizardState::Mode::RollBack:
    case WizardState::Mode::RollBackFromHost:
        startRecordedRollback(state.recordedRun);
        break;
    case WizardState::Mode::Continue:
        state.mode = WizardState::Mode::Upgrade; // once: Back and Next again must not resume twice
        continueRun(state.recordedRun);
        break;
    }
}

void RunPage::reset(const QString& title)
{
    setTitle(title);
    m_steps->clearRuns();
    m_logs->reset();
    m_split->setOrientation(Qt::Horizontal);
    m_upload->reset();
    m_outage->reset();
    m_plan = {};
    m_recorded.clear();
    m_rollbackAsked = false;
    m_rollback->setToolTip(tr("Enabled once the database backup is recorded"));
    m_lockedRole.clear();
    m_lockHolder.clear();
    setStatus({});
    setState(State::Idle);
}

void RunPage::startUpgrade()
{
    const WizardState& state = wizardOf(this)->state();
    const QString version = field(QStringLiteral("version")).toString();
    reset(upgradeRunTitle(state.approach, state.site, version));
    UpgradeRequest request;
    request.approach = state.approach;
    request.version = version;
    request.copyProdData =
        state.approach == Approach::Phased && field(QStringLiteral("copyProdData")).toBool();
    request.offline = state.offlineImage;
    QString error;
    Plan plan;
    if (!RunSession::planUpgrade(state.site, request, &plan, &error)) {
        notStarted(error);
        return;
    }
    m_again = [this] { startUpgrade(); };
    wizardOf(this)->state().runs.clear(); // a new run, not the one its lock refused
    m_launched = QDateTime::currentDateTime();
    startRun(plan, RunSession::newJournal(plan), Runner::Mode::Fresh);
}

void RunPage::startRecordedRollback(const Journal& upgrade)
{
    const WizardState& state = wizardOf(this)->state();
    const bool fromHost = state.mode == WizardState::Mode::RollBackFromHost;
    reset(tr("Roll back"));
    Plan plan = state.hostRollbackPlan; // from the host: planned on the Start page
    const QString role = RunSession::rollbackRole(upgrade, state.site, {});
    if (QString error;
        !fromHost && !RunSession::planRollback(state.site, upgrade, role, &plan, &error)) {
        notStarted(error);
        return;
    }
    m_again = [this, upgrade] { startRecordedRollback(upgrade); };
    wizardOf(this)->state().runs.clear();
    startRun(plan, RunSession::newJournal(plan, fromHost ? state.hostRollbackOf : upgrade.runId),
             Runner::Mode::Fresh);
}

void RunPage::continueRun(const Journal& last)
{
    QString error;
    const Journal run = Journal::loadRun(last.runId, &error).value_or(last);
    reset(tr("Continue run %1").arg(run.runId));
    const std::optional<Plan> plan =
        RunSession::planResume(run, wizardOf(this)->state().site, &error);
    if (!plan) {
        notStarted(error);
        return;
    }
    m_again = [this, run] { continueRun(run); };
    m_launched = run.started.toLocalTime();
    keep(run); // what the Rollback button undoes, until the run ends
    if (run.kind != RunKind::Rollback)
        m_recorded = run.records;
    if (run.isRetryable()) { // Continue of a failed run: its ways on, nothing run yet
        showFailedRun(run, *plan);
        return;
    }
    startRun(*plan, run, Runner::Mode::Resume);
}

void RunPage::notStarted(const QString& why)
{
    setStatus(why, StatusRed);
    setState(State::NotStarted);
}

void RunPage::startRun(const Plan& plan, const Journal& journal, Runner::Mode mode)
{
    WizardState& state = wizardOf(this)->state();
    const bool appended = m_steps->topLevelItemCount() > 0; // a rollback after the upgrade
    m_plan = plan;
    m_outage->setSpan(OutageClock::spanFor(plan));
    m_steps->addRun(plan, isRollback() && appended ? tr("Rollback") : QString());
    for (const QString& role : plan.roles())
        m_logs->pane(role);
    fitSplit();
    if (mode == Runner::Mode::Resume)
        showDoneBefore(plan, journal);
    QStringList roles; // the hosts this run needs, whose secrets no page has asked for yet
    for (const QString& role : plan.roles()) {
        if (!state.auth.contains(role))
            roles << role;
    }
    delete m_secrets; // a rollback chosen while a continued run waited for the keychain
    setState(State::Preparing);
    if (roles.isEmpty()) {
        launchRun(journal, mode);
        return;
    }
    setStatus(tr("Reading the keychain…"));
    m_secrets = new HostSecrets(state.site, roles, this);
    connect(m_secrets, &HostSecrets::ready, this,
            [this, journal, mode](const QMap<QString, SshAuth>& auth) {
                m_secrets->deleteLater();
                wizardOf(this)->state().auth.insert(auth);
                launchRun(journal, mode);
            });
    connect(m_secrets, &HostSecrets::declined, this, [this](const QString& role) {
        m_secrets->deleteLater();
        notStarted(tr("Not started: connecting to %1 needs its password or passphrase. Nothing "
                      "was changed.")
                       .arg(role));
    });
    m_secrets->start();
}

void RunPage::fitSplit()
{
    if (m_logs->hostCount() > 1) { // a second host: the logs get the full width, side by side
        m_split->setOrientation(Qt::Vertical);
        m_split->setSizes({200, 400});
    } else { // every step's title whole, up to half the window; the log the rest
        const int steps = qMin(m_steps->fittingWidth(), window()->width() / 2);
        m_split->setSizes({steps, qMax(m_split->width() - steps, steps)});
    }
    // The panes are new: Tab reads the page top to bottom, the ways on last.
    chainTabOrder(
        {m_steps, m_logs, m_gate, m_failure, m_breakLock, m_resume, m_cancel, m_rollback});
}

void RunPage::showDoneBefore(const Plan& plan, const Journal& journal)
{
    for (int i = 0; i < journal.steps.size() && i < plan.steps.size(); ++i) {
        const StepRecord& done = journal.steps.at(i);
        if (!isDone(done.status))
            continue;
        m_steps->showDone(i, done);
        m_logs->replay(done);
    }
    if (journal.outageMs >= 0) // over before the interruption: the journal's figure
        m_outage->ended(journal.outageMs);
}

void RunPage::launchRun(const Journal& journal, Runner::Mode mode, bool retryRestarted)
{
    const WizardState& state = wizardOf(this)->state();
    m_runner = new Runner(state.site, m_plan, journal, this, mode);
    m_runner->setRetryRestarted(retryRestarted);
    for (auto it = state.auth.begin(); it != state.auth.end(); ++it)
        m_runner->setAuth(it.key(), it.value());
    connect(m_runner, &Runner::stepStarted, this, &RunPage::onStepStarted);
    connect(m_runner, &Runner::stepFinished, this, &RunPage::onStepFinished);
    connect(m_runner, &Runner::output, this,
            [this](int index, OutputStream stream, const QString& line) {
                if (index >= 0 && index < m_plan.steps.size())
                    m_logs->pane(m_plan.steps.at(index).role)->appendLine(stream, line);
            });
    connect(m_runner, &Runner::gateReached, this, [this](int index, const QString& summary) {
        m_gate->setGate(m_plan, index, summary);
        setStatus(tr("Paused at the gate: nothing runs until you choose above."));
        setState(State::AtGate);
    });
    connect(m_runner, &Runner::uploadProgress, m_upload,
            [this](int, const QString& role, const TransferProgress& progress) {
                m_upload->progress(role, progress);
            });
    connect(m_runner, &Runner::captured, this, &RunPage::onCaptured);
    connect(m_runner, &Runner::outageStarted, m_outage,
            [this](const QString&, const QDateTime& since) { m_outage->started(since); });
    connect(m_runner, &Runner::outageEnded, m_outage,
            [this](const QString&, qint64 outageMs) { m_outage->ended(outageMs); });
    connect(m_runner, &Runner::finished, this, &RunPage::onFinished);
    setStatus(isRollback() ? tr("Rolling back…") : tr("Upgrading…"));
    m_outage->runStarted();
    setState(State::Running);
    m_runner->start();
}

void RunPage::onStepStarted(int index, const StepRecord& step)
{
    m_steps->stepStarted(index, step);
    if (m_plan.steps.at(index).kind == StepKind::LoadImage)
        m_upload->loadStarted(step.role);
    m_logs->pane(step.role)->appendNote(
        QStringLiteral("▶ %1   $ %2").arg(step.title, step.command));
}

void RunPage::onStepFinished(int index, const StepRecord& step)
{
    m_steps->stepFinished(index, step);
    const bool ok = step.status == StepStatus::Succeeded;
    const bool away = step.status == StepStatus::Running; // the step goes on on the host
    m_logs->pane(step.role)->appendNote(QStringLiteral("%1 %2").arg(ok     ? QStringLiteral("✔")
                                                                    : away ? QStringLiteral("…")
                                                                           : QStringLiteral("✘"),
                                                                    step.message));
    if (m_plan.steps.at(index).kind == StepKind::UploadImage)
        m_upload->finished(step);
    else if (m_plan.steps.at(index).kind == StepKind::LoadImage)
        m_upload->finished(step, true);
}

void RunPage::onCaptured(const QString& role, const QString& key, const QString& value)
{
    if (isRollback())
        return; // what a rollback reads back is not a new way back
    if (key == QLatin1String("backupPath") && !value.isEmpty()) {
        m_recorded[role].backupPath = value;
        m_rollback->setToolTip(tr("Restore %1 and the previous image").arg(value));
        setState(m_state); // Roll back is offered from now on
    } else if (key == QLatin1String("previousImageId")) {
        m_recorded[role].previousImageId = value;
    }
}

void RunPage::onFinished(const RunResult& result)
{
    keep(result.journal);
    if (!isRollback())
        m_recorded = result.journal.records; // what the run recorded, as a rollback reads it
    m_runner->deleteLater();
    m_runner.clear(); // over: what follows (a rollback, a switch back) sees no run going
    m_steps->stopClock();
    m_outage->runEnded(result.journal);
    setStatus(result.message, result.ok ? StatusGreen : StatusRed);
    if (m_state == State::Stopping) {
        if (m_rollbackRole.isEmpty()) { // a switch back: whether it still applies, asked again
            setState(State::Finished);
            askRollback();
        } else {
            startRollback(m_rollbackRole);
        }
        return;
    }
    m_lockedRole = result.lockedRole;
    m_lockHolder = result.lockHolder;
    // Interrupted first: continuing it is what settles the run, lock or not.
    const auto back = switchBackPlan(m_plan, upgradeRun(), wizardOf(this)->state().site);
    m_rollback->setText(back ? tr("Switch back to %1").arg(back->steps.last().role)
                             : tr("Roll back"));
    m_hostsNow = result.hostsNow;
    if (FailedStep::choices(result.journal, m_plan).index >= 0 && m_lockedRole.isEmpty()) {
        showFailure(result.journal);
        return;
    }
    setState(result.journal.status == RunStatus::Interrupted ? State::Interrupted
             : !m_lockedRole.isEmpty()                       ? State::Locked
                                                             : State::Finished);
}

void RunPage::keep(const Journal& run)
{
    QList<Journal>& runs = wizardOf(this)->state().runs;
    if (!runs.isEmpty() && runs.last().runId == run.runId)
        runs.last() = run; // the same run, further on
    else
        runs << run;
}

void RunPage::setStatus(const QString& text, const QString& style)
{
    m_status->setStyleSheet(style);
    m_status->setText(text);
}

} // namespace myst
