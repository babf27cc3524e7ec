#include "ui/pages/StartPage.h"
#include "core/journal/RunNames.h"

#include "core/journal/Journal.h"
#include "ui/run/RunDialogs.h"
#include "ui/wizard/UpgradeWizard.h"

#include <QFrame>
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
    m_rollback = new QRadioButton(tr("&Roll back a previous upgrade"), this);
    m_rollback->setObjectName(QStringLiteral("rollbackRadio"));
    m_runs = new QTreeWidget(this);
    m_runs->setObjectName(QStringLiteral("runsTree"));
    m_runs->setHeaderLabels({tr("Run"), tr("Hosts"), tr("Versions"), tr("Started"), tr("Outcome")});
    m_runs->setRootIsDecorated(false);
    m_runs->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_runs->header()->setStretchLastSection(true);
    m_message = new QLabel(this);
    m_message->setWordWrap(true);

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

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_interrupted);
    layout->addWidget(m_upgrade);
    layout->addWidget(m_rollback);
    layout->addWidget(new QLabel(tr("Upgrades in the journal:"), this));
    layout->addWidget(m_runs, 1);
    layout->addWidget(m_message);
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
    for (const Journal& j : Journal::loadAll()) { // newest first
        if (j.isUnfinished() && !j.ownerIsAlive()) {
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
        if (s.status != StepStatus::Succeeded) {
            at = tr("at “%1” on %2").arg(s.title.toHtmlEscaped(), s.role);
            break;
        }
    }
    const QString what = j.kind == RunKind::Rollback
                             ? tr("A rollback to MyST Studio %1").arg(j.targetVersion)
                             : tr("An upgrade to MyST Studio %1").arg(j.targetVersion);
    m_interruptedText->setText(
        tr("<b>%1 did not finish</b> (run %2, started %3) %4.<br>The step that was running goes "
           "on on the host. Continue the run to follow it and finish, or roll back.")
            .arg(what, j.runId,
                 j.started.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")), at));
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

void StartPage::initializePage()
{
    m_choseInterrupted = false;
    offerInterruptedRun();
    m_runs->clear();
    QList<Journal> runs;
    for (const Journal& j : Journal::loadAll()) {
        if (j.kind == RunKind::Upgrade)
            runs << j;
    }
    // An interrupted or failed run is what the operator most likely came back for.
    std::stable_sort(runs.begin(), runs.end(), [](const Journal& a, const Journal& b) {
        return (a.status != RunStatus::Succeeded) > (b.status != RunStatus::Succeeded);
    });
    for (const Journal& j : runs) {
        QStringList hosts, versions;
        for (auto it = j.records.begin(); it != j.records.end(); ++it) {
            hosts << QStringLiteral("%1 (%2)").arg(
                j.hosts.value(it.key()).toObject().value(QStringLiteral("host")).toString(),
                it.key());
            versions << QStringLiteral("%1 → %2").arg(
                it->previousVersion.isEmpty() ? QStringLiteral("?") : it->previousVersion,
                j.targetVersion);
        }
        auto* item = new QTreeWidgetItem(
            m_runs, {j.runId, hosts.join(QStringLiteral(", ")), versions.join(QStringLiteral(", ")),
                     j.started.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                     j.isUnfinished() && !j.ownerIsAlive() ? tr("interrupted") : j.status});
        item->setData(0, Qt::UserRole, j.runId);
        item->setToolTip(4, j.message);
        if (j.status != RunStatus::Succeeded)
            item->setForeground(4, QColor(0xb2, 0x18, 0x18));
    }
    if (runs.isEmpty()) {
        new QTreeWidgetItem(m_runs, {tr("No upgrades yet")});
        m_runs->topLevelItem(0)->setFlags(Qt::NoItemFlags);
        m_rollback->setEnabled(false);
    } else {
        m_rollback->setEnabled(true);
    }
}

bool StartPage::isComplete() const
{
    return m_upgrade->isChecked() || m_choseInterrupted ||
           (m_runs->currentItem() &&
            !m_runs->currentItem()->data(0, Qt::UserRole).toString().isEmpty());
}

bool StartPage::validatePage()
{
    WizardState& state = wizardOf(this)->state();
    if (m_choseInterrupted) {
        return true; // the state and site were set when the button was pressed
    }
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
    state.mode = WizardState::Mode::RollBack;
    state.recordedRun = *run;
    state.site = site;
    state.siteFile = run->sitePath;
    return true;
}

int StartPage::nextId() const
{
    return m_rollback->isChecked() || m_choseInterrupted ? UpgradeWizard::RunId
                                                         : UpgradeWizard::ApproachId;
}

} // namespace myst
