#include "ui/wizard/UpgradeWizard.h"

#include "ui/pages/ApproachPage.h"
#include "ui/pages/HostsPage.h"
#include "ui/pages/ImagePage.h"
#include "ui/pages/PreflightPage.h"
#include "ui/pages/RunPage.h"
#include "ui/pages/StartPage.h"
#include "ui/pages/SummaryPage.h"
#include "ui/widgets/InteractivePromptDialog.h"
#include "ui/wizard/RecentSites.h"

#include <QAbstractButton>
#include <QCloseEvent>
#include <QDir>
#include <QFileInfo>
#include <QPixmap>
#include <QStandardPaths>

namespace myst {

UpgradeWizard* wizardOf(QWizardPage* page)
{
    // QWizardPage::wizard() is protected; the page's window is its wizard.
    return qobject_cast<UpgradeWizard*>(page->window());
}

const UpgradeWizard* wizardOf(const QWizardPage* page)
{
    return qobject_cast<const UpgradeWizard*>(page->window());
}

QString UpgradeWizard::defaultSiteFile()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
           QStringLiteral("/myst-upgrade/site.json");
}

UpgradeWizard::UpgradeWizard(const QString& siteFile, QWidget* parent) : QWizard(parent)
{
    setObjectName(QStringLiteral("upgradeWizard"));
    // A one-time code or a password the keychain lacks is asked in a dialog over this window.
    setDefaultInteractiveResponder(dialogResponder(this));
    setWindowTitle(tr("MyST Upgrade Wizard"));
    setWizardStyle(QWizard::ModernStyle);
    // ModernStyle shows it at the right of every page's header (the application icon).
    setPixmap(QWizard::LogoPixmap, QPixmap(QStringLiteral(":/icons/myst-upgrade-wizard-48.png")));
    setOption(QWizard::NoBackButtonOnLastPage);
    setOption(QWizard::NoCancelButtonOnLastPage);
    m_state.siteFile = siteFile.isEmpty() ? defaultSiteFile() : siteFile;
    // Started without --site and no site of its own yet: the site used last.
    if (siteFile.isEmpty() && !QFileInfo::exists(m_state.siteFile) &&
        !RecentSites::list().isEmpty())
        m_state.siteFile = RecentSites::list().first();
    if (QFileInfo::exists(m_state.siteFile)) {
        QStringList errors;
        const Site site = Site::load(m_state.siteFile, &errors);
        if (errors.isEmpty()) {
            m_state.site = site;
            RecentSites::remember(m_state.siteFile);
        }
    }
    setPage(StartId, new StartPage);
    setPage(ApproachId, new ApproachPage);
    setPage(HostsId, new HostsPage);
    setPage(ImageId, new ImagePage);
    setPage(PreflightId, new PreflightPage);
    setPage(RunId, new RunPage);
    setPage(SummaryId, new SummaryPage);
    setStartId(StartId);
    resize(1040, 720);
}

void UpgradeWizard::setBusy(bool busy)
{
    m_busy = busy;
    button(QWizard::CancelButton)->setEnabled(!busy);
    // A rollback or a continued run goes from the Start page straight to the Run page: Back
    // would leave that run going on unseen. QWizard offers no Back after a commit page, so the
    // Start page is one while a run is under way (the Pre-flight page always is).
    page(StartId)->setCommitPage(busy);
}

void UpgradeWizard::reject()
{
    if (!m_busy) {
        QWizard::reject();
    }
}

void UpgradeWizard::closeEvent(QCloseEvent* event)
{
    // Closing mid-step would leave the operator without the Rollback button.
    if (m_busy) {
        event->ignore();
        return;
    }
    QWizard::closeEvent(event);
}

} // namespace myst
