#pragma once

#include "core/journal/Journal.h"
#include "core/plan/Plan.h"
#include "core/site/Site.h"

#include <QList>
#include <QMap>
#include <QWizard>

namespace myst {

// What the pages decide and hand on to the next ones.
struct WizardState
{
    // What the Run page does, as chosen on the Start page: a new upgrade (through the
    // Approach … Pre-flight pages), the rollback of a recorded upgrade run, or the continuation
    // of an interrupted run (both straight from the Start page).
    enum class Mode
    {
        Upgrade,
        RollBack,
        Continue,
        RollBackFromHost // what a host record or the host's images and backups say
    };

    QString siteFile;
    Site site;
    QMap<QString, SshAuth> auth; // typed-in secrets, this session only
    Mode mode = Mode::Upgrade;
    Journal recordedRun;    // RollBack: the upgrade run to undo; Continue: the run to go on with
    Plan hostRollbackPlan;  // RollBackFromHost: planned on the Start page from the host...
    QString hostRollbackOf; // ...undoing this recorded run (empty: no record)
    QString approach = QStringLiteral("in-place");
    QString currentVersion;
    OfflineImage offlineImage; // set: upload and load it in place of pull.sh
    // What the Run page ran, for the Summary page: the run it started or continued, then the
    // rollback of that upgrade when the operator asked for one there.
    QList<Journal> runs;
};

// The MyST Studio upgrade as a QWizard: Start → Approach → Hosts → Image → Pre-flight → Run →
// Summary; Start → Run directly to roll back a previous upgrade.
class UpgradeWizard : public QWizard
{
    Q_OBJECT
public:
    enum PageId
    {
        StartId,
        ApproachId,
        HostsId,
        ImageId,
        PreflightId,
        RunId,
        SummaryId
    };

    explicit UpgradeWizard(const QString& siteFile = QString(), QWidget* parent = nullptr);
    WizardState& state() { return m_state; }
    const WizardState& state() const { return m_state; }
    static QString defaultSiteFile();

    void setBusy(bool busy); // a run is under way: the wizard cannot be closed under it

protected:
    void reject() override;
    void closeEvent(QCloseEvent* event) override;

private:
    WizardState m_state;
    bool m_busy = false;
};

UpgradeWizard* wizardOf(QWizardPage* page);
const UpgradeWizard* wizardOf(const QWizardPage* page);

} // namespace myst
