#include "ui/pages/StartPage.h"
#include "core/journal/RunNames.h"

#include "core/journal/Journal.h"
#include "core/run/ReadOnlyGuard.h"
#include "core/session/HostHistory.h"
#include "core/session/RunSession.h"
#include "ui/run/RunDialogs.h"
#include "ui/widgets/HostHistoryPanel.h"
#include "ui/widgets/PlainText.h"
#include "ui/wizard/RecentSites.h"
#include "ui/wizard/UpgradeWizard.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QFileInfo>
#include <QFont>
#include <QFrame>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace myst {

StartPage::StartPage()
{
    setTitle(tr("What do you want to do?"));
    setSubTitle(tr("Upgrade MyST Studio step by step as the vendor's guide describes, or roll back "
                   "an earlier upgrade from what it recorded."));
    m_upgrade = new QRadioButton(tr("&Upgrade MyST Studio"), this);
    m_upgrade->setObjectName(QStringLiteral("upgradeRadio"));
    m_upgrade->setChecked(true);
    // What Upgrade leads to, under it: with nothing to roll back it is the one thing to do, and
    // should read as such rather than as a small choice above empty lists.
    m_upgradeNote = new QLabel(tr("Next: the approach, the hosts, the new version and read-only "
                                  "checks; nothing on the hosts changes before \"Start "
                                  "upgrade\"."),
                               this);
    m_upgradeNote->setObjectName(QStringLiteral("upgradeNoteLabel"));
    m_upgradeNote->setWordWrap(true);
    m_upgradeNote->setIndent(24);
    m_rollback = new QRadioButton(tr("&Roll back an upgrade run from this computer"), this);
    m_rollback->setObjectName(QStringLiteral("rollbackRadio"));
    m_runs = new QTreeWidget(this);
    m_runs->setObjectName(QStringLiteral("runsTree"));
    m_runs->setAccessibleName(tr("Upgrade runs from this computer"));
    m_runs->setHeaderLabels({tr("Run"), tr("Hosts"), tr("Versions"), tr("Started"), tr("Outcome")});
    m_runs->setRootIsDecorated(false);
    m_runs->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_runs->header()->setStretchLastSection(true);
    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    plaintext::makePlain(m_message);

    m_interrupted = new QFrame(this);
    m_interrupted->setObjectName(QStringLiteral("interruptedPanel"));
    m_interrupted->setFrameShape(QFrame::StyledPanel);
    m_interrupted->setStyleSheet(
        QStringLiteral("#interruptedPanel { background: #fff4e5; border: 1px solid #e0a040; }"));
    m_interruptedText = new QLabel(m_interrupted);
    m_interruptedText->setWordWrap(true);
    m_interruptedText->setTextFormat(Qt::RichText);
    auto* continueButton = new QPushButton(tr("&Continue the run"), m_interrupted);
    continueButton->setObjectName(QStringLiteral("continueRunButton"));
    continueButton->setToolTip(tr("Reconnect, follow the step that was running on the host, and "
                                  "go on with the rest"));
    auto* rollbackButton = new QPushButton(tr("Roll &back…"), m_interrupted);
    rollbackButton->setObjectName(QStringLiteral("rollbackInterruptedButton"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(continueButton);
    buttons->addWidget(rollbackButton);
    buttons->addStretch(1);
    auto* panel = new QVBoxLayout(m_interrupted);
    panel->addWidget(m_interruptedText);
    panel->addLayout(buttons);
    m_interrupted->hide();
    connect(continueButton, &QPushButton::clicked, this, [this] { chooseInterrupted(false); });
    connect(rollbackButton, &QPushButton::clicked, this, [this] { chooseInterrupted(true); });

    m_sites = new QComboBox(this);
    m_sites->setObjectName(QStringLiteral("siteCombo"));
    m_sites->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_hostBox = new QGroupBox(this);
    m_fromHost =
        new QRadioButton(tr("Roll back from what the &host knows (any computer)"), m_hostBox);
    m_fromHost->setObjectName(QStringLiteral("hostRollbackRadio"));
    m_host = new HostHistoryPanel(m_hostBox);
    // One choice among the three, though the host's is in a box of its own.
    auto* choice = new QButtonGroup(this);
    for (QRadioButton* radio : {m_upgrade, m_fromHost, m_rollback})
        choice->addButton(radio);
    auto* hostLayout = new QVBoxLayout(m_hostBox);
    hostLayout->addWidget(m_fromHost);
    hostLayout->addWidget(m_host, 1);
    auto* siteRow = new QHBoxLayout;
    auto* siteLabel = new QLabel(tr("&Site:"), this);
    siteLabel->setBuddy(m_sites); // its name for a screen reader, not the file it shows
    siteRow->addWidget(siteLabel);
    siteRow->addWidget(m_sites, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_interrupted);
    layout->addLayout(siteRow);
    layout->addWidget(m_upgrade);
    layout->addWidget(m_upgradeNote);
    layout->addWidget(m_hostBox, 3);
    layout->addWidget(m_rollback);
    layout->addWidget(m_runs, 2);
    layout->addWidget(m_message);
    // Takes the room the lists leave when there is nothing to roll back (they are hidden then).
    layout->addStretch(0);
    connect(m_sites, &QComboBox::activated, this, &StartPage::siteChosen);
    connect(m_host, &HostHistoryPanel::loaded, this, &StartPage::showHostChoice);
    connect(m_host, &HostHistoryPanel::changed, this, [this] {
        if (m_host->chosen())
            m_fromHost->setChecked(true);
        emit completeChanged();
    });
    connect(m_fromHost, &QRadioButton::toggled, this, [this](bool on) {
        // Says what Next does: "Roll back…" (a confirmation follows), else the wizard's own.
        setButtonText(QWizard::NextButton,
                      on ? tr("&Roll back…") : wizard()->buttonText(QWizard::NextButton));
        if (!on)
            m_host->clearChoice();
        emit completeChanged();
    });
    connect(m_rollback, &QRadioButton::toggled, this, [this](bool on) {
        m_runs->setEnabled(true);
        if (on && !m_runs->currentItem() && m_runs->topLevelItemCount() > 0)
            m_runs->setCurrentItem(m_runs->topLevelItem(0));
        emit completeChanged();
    });
    connect(m_runs, &QTreeWidget::currentItemChanged, this, [this] {
        if (m_runs->currentItem())
            m_rollback->setChecked(true);
        emit completeChanged();
    });
}

void StartPage::offerInterruptedRun()
{
    m_unfinished.reset();
    QStringList sites; // a failed run is offered while it is its site's newest (issue 27)
    for (const Journal& j : Journal::loadAll()) { // newest first
        const bool newest = !sites.contains(j.sitePath);
        sites << j.sitePath;
        if ((j.isUnfinished() || (newest && j.isRetryable())) && !j.ownerIsAlive()) {
            m_unfinished = j;
            break;
        }
    }
    m_interrupted->setVisible(bool(m_unfinished));
    if (!m_unfinished)
        return;
    const Journal& j = *m_unfinished;
    QString at;
    for (const StepRecord& s : j.steps) {
        if (!isDone(s.status)) {
            at = tr("at “%1” on %2").arg(s.title.toHtmlEscaped(), s.role.toHtmlEscaped());
            break;
        }
    }
    const QString what =
        j.kind == RunKind::Rollback
            ? tr("A rollback to MyST Studio %1").arg(j.targetVersion.toHtmlEscaped())
            : tr("An upgrade to MyST Studio %1").arg(j.targetVersion.toHtmlEscaped());
    // Blue/green: the active instance may still refuse writes; either choice ends that first.
    QString readOnly;
    QString why;
    if (const std::optional<Plan> plan = planFromJson(j.plan, &why)) {
        const int off = ReadOnlyGuard::pendingOff(*plan, j);
        if (off >= 0)
            readOnly = tr("<br><b style='color:#b21818'>%1 may still be read-only (writes "
                          "refused).</b> Continue or Roll back turns that off first.")
                           .arg(plan->steps.at(off).role.toHtmlEscaped());
    }
    const QString when = j.started.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    m_interruptedText->setText(
        j.isRetryable()
            ? tr("<b>%1 failed</b> (run %2, started %3) %4.<br>Continue shows its ways on: run "
                 "the step again when that is safe, accept a judgement, roll back, or leave it "
                 "as it is.%5")
                  .arg(what, j.runId.toHtmlEscaped(), when, at, readOnly)
            : tr("<b>%1 did not finish</b> (run %2, started %3) %4.<br>The step that was running "
                 "goes on on the host. Continue the run to follow it and finish, or roll "
                 "back.%5")
                  .arg(what, j.runId.toHtmlEscaped(), when, at, readOnly));
    // Rolling back needs what the upgrade recorded: the previous image and a backup.
    const bool canRollBack =
        j.kind == RunKind::Upgrade &&
        std::any_of(j.records.begin(), j.records.end(), [](const HostRecord& r) {
            return !r.backupPath.isEmpty() && !r.previousImageId.isEmpty();
        });
    m_interrupted->findChild<QPushButton*>(QStringLiteral("rollbackInterruptedButton"))
        ->setEnabled(canRollBack);
}

bool StartPage::adoptSiteOf(const Journal& run)
{
    QStringList errors;
    const Site site = Site::load(run.sitePath, &errors);
    if (!errors.isEmpty()) {
        m_message->setText(tr("The site file of run %1 cannot be used: %2")
                               .arg(run.runId, errors.join(QStringLiteral("; "))));
        return false;
    }
    WizardState& state = wizardOf(this)->state();
    state.site = site;
    state.siteFile = run.sitePath;
    return true;
}

void StartPage::chooseInterrupted(bool rollBack)
{
    if (!m_unfinished || !adoptSiteOf(*m_unfinished))
        return;
    WizardState& state = wizardOf(this)->state();
    const Journal run = *m_unfinished;
    if (!rollBack) {
        state.mode = WizardState::Mode::Continue;
        state.recordedRun = run;
        m_choseInterrupted = true;
        wizard()->next();
        return;
    }
    RunDialogs::confirmRollbackOf(this, run, [this, run] {
        WizardState& state = wizardOf(this)->state();
        state.mode = WizardState::Mode::RollBack;
        state.recordedRun = run;
        m_choseInterrupted = true;
        wizard()->next();
    });
}

void StartPage::showSites()
{
    const WizardState& state = wizardOf(this)->state();
    QStringList sites = RecentSites::list();
    const QString current = QFileInfo(state.siteFile).absoluteFilePath();
    sites.removeAll(current);
    if (!state.site.hosts.isEmpty())
        sites.prepend(current);
    m_sites->clear();
    for (const QString& site : sites)
        m_sites->addItem(site, site);
    if (sites.isEmpty())
        m_sites->addItem(tr("No site yet: choose Upgrade to describe the hosts"));
    askHost();
}

void StartPage::siteChosen(int index)
{
    const QString path = m_sites->itemData(index).toString();
    QStringList errors;
    const Site site = path.isEmpty() ? Site() : Site::load(path, &errors);
    if (path.isEmpty() || !errors.isEmpty()) {
        m_message->setText(
            tr("The site file %1 cannot be used: %2").arg(path, errors.join(QStringLiteral("; "))));
        return;
    }
    WizardState& state = wizardOf(this)->state();
    state.site = site;
    state.siteFile = path;
    state.auth.clear(); // another site's secrets are not this one's
    RecentSites::remember(path);
    askHost();
}

void StartPage::askHost()
{
    const WizardState& state = wizardOf(this)->state();
    const QString role = state.site.defaultRole();
    m_hostBox->setVisible(!role.isEmpty());
    m_fromHost->setChecked(false);
    if (role.isEmpty()) {
        showUpgradeFirst();
        return;
    }
    m_hostBox->setTitle(
        tr("On the host: %1 (%2)").arg(role, state.site.hosts.value(role).endpoint.id()));
    m_host->load(state.site, role);
    showHostChoice(); // disabled until the host has answered
}

void StartPage::showHostChoice()
{
    // A choice that cannot be carried out is disabled and says why, in its name's description
    // (read by a screen reader) and its tooltip; the panel below it says the same in full.
    const bool can = m_host->canRollBack();
    m_fromHost->setEnabled(can);
    m_fromHost->setAccessibleDescription(can ? QString() : m_host->whyNot());
    m_fromHost->setToolTip(plaintext::toolTip(can ? QString() : m_host->whyNot()));
    if (!can && m_fromHost->isChecked())
        m_upgrade->setChecked(true);
    showUpgradeFirst();
}

void StartPage::showUpgradeFirst()
{
    // Nothing to roll back, neither on the host nor from this computer: Upgrade is the action,
    // said in bold with what follows it, and no empty list takes half the page.
    const bool hostMay = m_host->canRollBack() || m_host->isAsking();
    const bool nothing = !m_rollback->isEnabled() && !(m_hostBox->isVisibleTo(this) && hostMay);
    QFont font = m_upgrade->font();
    font.setBold(nothing);
    m_upgrade->setFont(font);
    m_upgradeNote->setVisible(nothing);
    m_runs->setVisible(m_rollback->isEnabled());
    auto* layout = static_cast<QVBoxLayout*>(this->layout());
    layout->setStretchFactor(m_hostBox, hostMay ? 3 : 0);
    layout->setStretch(layout->count() - 1, nothing ? 1 : 0);
}

bool StartPage::confirmHostRollback()
{
    const std::optional<RollbackPairing> pairing = m_host->chosen();
    if (!pairing)
        return false;
    WizardState& state = wizardOf(this)->state();
    Plan plan;
    QString error;
    if (!RunSession::planRollbackTo(state.site, m_host->role(), *pairing, &plan, &error)) {
        m_message->setText(error);
        return false;
    }
    const QString what =
        tr("Roll back %1 (%2) to MyST Studio %3?\n\nImage %4 is tagged myst-studio again and the "
           "database is restored from %5.")
            .arg(m_host->role(), state.site.hosts.value(m_host->role()).endpoint.id(),
                 pairing->version.isEmpty() ? tr("(version unknown)") : pairing->version,
                 pairing->imageId.left(19), pairing->backupPath);
    RunDialogs::confirmHostRollback(this, what, pairing->loses, [this, plan, pairing] {
        WizardState& state = wizardOf(this)->state();
        state.mode = WizardState::Mode::RollBackFromHost;
        state.hostRollbackPlan = plan;
        state.hostRollbackOf = pairing->runId;
        state.auth.insert(m_host->auth());
        m_hostConfirmed = true;
        wizard()->next();
    });
    return false;
}

void StartPage::initializePage()
{
    m_choseInterrupted = false;
    m_hostConfirmed = false;
    m_againConfirmed = false;
    showSites();
    offerInterruptedRun();
    m_runs->clear();
    QList<Journal> runs;
    const QList<Journal> all = Journal::loadAll();
    for (const Journal& j : all) {
        if (j.kind == RunKind::Upgrade)
            runs << j;
    }
    // An interrupted or failed run is what the operator most likely came back for.
    std::stable_sort(runs.begin(), runs.end(), [](const Journal& a, const Journal& b) {
        return (a.status != RunStatus::Succeeded) > (b.status != RunStatus::Succeeded);
    });
    for (const Journal& j : runs) {
        QStringList hosts, versions, undone;
        for (auto it = j.records.begin(); it != j.records.end(); ++it) {
            if (const auto rollback = RunSession::rolledBackBy(j, it.key(), all))
                undone << tr("%1 rolled back %2")
                              .arg(it.key(), rollback->finished.toLocalTime().toString(
                                                 QStringLiteral("yyyy-MM-dd HH:mm")));
            hosts << QStringLiteral("%1 (%2)").arg(
                j.hosts.value(it.key()).toObject().value(QStringLiteral("host")).toString(),
                it.key());
            versions << QStringLiteral("%1 → %2").arg(
                it->previousVersion.isEmpty() ? QStringLiteral("?") : it->previousVersion,
                j.targetVersion);
        }
        // "succeeded" alone, beside an upgrade undone since, reads as what runs now; a phased
        // run's rollback undoes one host, and says which.
        QString status = j.isUnfinished() && !j.ownerIsAlive() ? tr("interrupted") : j.status;
        if (!undone.isEmpty() && j.status != RunStatus::RolledBack)
            status += QStringLiteral(", ") + undone.join(QStringLiteral(", "));
        auto* item = new QTreeWidgetItem(
            m_runs, {j.runId, hosts.join(QStringLiteral(", ")), versions.join(QStringLiteral(", ")),
                     j.started.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")), status});
        item->setData(0, Qt::UserRole, j.runId);
        item->setToolTip(4, plaintext::toolTip(j.message));
        if (j.status != RunStatus::Succeeded)
            item->setForeground(4, QColor(0xb2, 0x18, 0x18));
    }
    // None: the choice is disabled and says why, and its empty list is not shown.
    m_rollback->setEnabled(!runs.isEmpty());
    m_rollback->setText(runs.isEmpty()
                            ? tr("&Roll back an upgrade run from this computer (none was run here)")
                            : tr("&Roll back an upgrade run from this computer"));
    m_rollback->setAccessibleDescription(
        runs.isEmpty() ? tr("This computer has run no upgrade: nothing of its own to roll back.")
                       : QString());
    showUpgradeFirst();
}

bool StartPage::isComplete() const
{
    if (m_fromHost->isChecked())
        return bool(m_host->chosen());
    return m_upgrade->isChecked() || m_choseInterrupted ||
           (m_runs->currentItem() &&
            !m_runs->currentItem()->data(0, Qt::UserRole).toString().isEmpty());
}

bool StartPage::validatePage()
{
    WizardState& state = wizardOf(this)->state();
    if (m_choseInterrupted || m_hostConfirmed) {
        return true; // the state and site were set when the button was pressed
    }
    if (m_fromHost->isChecked())
        return confirmHostRollback();
    if (!m_rollback->isChecked()) {
        state.mode = WizardState::Mode::Upgrade;
        return true;
    }
    QString error;
    const auto run =
        Journal::loadRun(m_runs->currentItem()->data(0, Qt::UserRole).toString(), &error);
    QStringList errors;
    const Site site = run ? Site::load(run->sitePath, &errors) : Site();
    if (!run || !errors.isEmpty()) {
        m_message->setText(run ? tr("The site file of that run cannot be used: %1")
                                     .arg(errors.join(QStringLiteral("; ")))
                               : error);
        return false;
    }
    const QString role = RunSession::rollbackRole(*run, site, {});
    if (const auto undone = RunSession::rolledBackBy(*run, role); undone && !m_againConfirmed) {
        RunDialogs::confirmRollbackAgain(this, *run, *undone, role, [this] {
            m_againConfirmed = true;
            wizard()->next();
        });
        return false;
    }
    state.mode = WizardState::Mode::RollBack;
    state.recordedRun = *run;
    state.site = site;
    state.siteFile = run->sitePath;
    return true;
}

int StartPage::nextId() const
{
    return m_rollback->isChecked() || m_fromHost->isChecked() || m_choseInterrupted
               ? UpgradeWizard::RunId
               : UpgradeWizard::ApproachId;
}

} // namespace myst
