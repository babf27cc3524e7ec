#include "StartPage.h"

#include "../UpgradeWizard.h"
#include "Journal.h"

#include <QHeaderView>
#include <QLabel>
#include <QRadioButton>
#include <QTreeWidget>
#include <QVBoxLayout>

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
    auto* layout = new QVBoxLayout(this);
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

void StartPage::initializePage()
{
    m_runs->clear();
    QList<Journal> runs;
    for (const Journal& j : Journal::loadAll()) {
        if (j.kind == QLatin1String("upgrade"))
            runs << j;
    }
    // An interrupted or failed run is what the operator most likely came back for.
    std::stable_sort(runs.begin(), runs.end(), [](const Journal& a, const Journal& b) {
        return (a.status != QLatin1String("succeeded")) > (b.status != QLatin1String("succeeded"));
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
            m_runs,
            {j.runId, hosts.join(QStringLiteral(", ")), versions.join(QStringLiteral(", ")),
             j.started.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")), j.status});
        item->setData(0, Qt::UserRole, j.runId);
        item->setToolTip(4, j.message);
        if (j.status != QLatin1String("succeeded"))
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
    return m_upgrade->isChecked() ||
           (m_runs->currentItem() &&
            !m_runs->currentItem()->data(0, Qt::UserRole).toString().isEmpty());
}

bool StartPage::validatePage()
{
    WizardState& state = wizardOf(this)->state();
    state.rollbackMode = m_rollback->isChecked();
    if (!state.rollbackMode) {
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
    state.rollbackSource = run;
    state.site = site;
    state.siteFile = run->sitePath;
    return true;
}

int StartPage::nextId() const
{
    return m_rollback->isChecked() ? UpgradeWizard::RunId : UpgradeWizard::ApproachId;
}

} // namespace myst
