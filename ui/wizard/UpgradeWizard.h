#pragma once

#include "core/journal/Journal.h"
#include "core/plan/Plan.h"
#include "core/site/Site.h"

#include <QMap>
#include <QWizard>

#include <optional>

namespace myst {

// What the pages decide and hand on to the next ones.
struct WizardState
{
    QString siteFile;
    Site site;
    QMap<QString, SshAuth> auth; // typed-in secrets, this session only
    bool rollbackMode = false;
    std::optional<Journal> rollbackSource; // the upgrade run to undo
    QString approach = QStringLiteral("in-place");
    QString currentVersion;
    OfflineImage offlineImage; // set: upload and load it in place of pull.sh
    std::optional<Journal> upgradeRun;
    std::optional<Journal> rollbackRun;
    std::optional<Journal> resumeRun; // an interrupted run to continue (Start → Run)
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

} // namespace myst
