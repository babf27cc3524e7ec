#include "ui/pages/PreflightPage.h"
#include "core/journal/RunNames.h"

#include "core/base/Background.h"
#include "core/host/Preflight.h"
#include "ui/widgets/PlainText.h"
#include "ui/wizard/Roles.h"
#include "ui/wizard/UpgradeWizard.h"

#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace myst {

PreflightPage::PreflightPage()
{
    setTitle(tr("Pre-flight checks"));
    setSubTitle(tr("Read-only checks of every host before anything is changed."));
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("checksList"));
    m_list->setAccessibleName(tr("Checks"));
    m_list->setWordWrap(true);
    m_rerun = new QPushButton(tr("Run the checks again"), this);
    m_rerun->setObjectName(QStringLiteral("rerunChecksButton"));
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("checksSummaryLabel"));
    plaintext::makePlain(m_summary);
    m_fixes = new QWidget(this);
    new QVBoxLayout(m_fixes);
    m_fixes->layout()->setContentsMargins(0, 0, 0, 0);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_summary);
    layout->addWidget(m_fixes);
    layout->addWidget(m_rerun, 0, Qt::AlignLeft);
    connect(m_rerun, &QPushButton::clicked, this, &PreflightPage::runChecks);
    setCommitPage(true);
    setButtonText(QWizard::CommitButton, tr("Start upgrade"));
}

void PreflightPage::initializePage()
{
    runChecks();
}

bool PreflightPage::isComplete() const
{
    return !m_running && m_passed;
}

void PreflightPage::runChecks()
{
    const WizardState& state = wizardOf(this)->state();
    QList<SiteHost> hosts;
    if (state.approach == Approach::ZeroDowntime) {
        hosts << state.site.hosts.value(Roles::Blue) << state.site.hosts.value(Roles::Green);
    } else {
        if (state.approach == Approach::Phased)
            hosts << state.site.hosts.value(Roles::Nonprod);
        hosts << state.site.hosts.value(Roles::Prod);
    }
    const RunSettings settings = state.site.settings;
    const QMap<QString, SshAuth> auth = state.auth;
    m_list->clear();
    qDeleteAll(m_fixes->findChildren<QPushButton*>());
    m_running = true;
    m_passed = false;
    m_rerun->setEnabled(false);
    m_summary->setText(tr("Checking %n host(s)…", nullptr, int(hosts.size())));
    emit completeChanged();
    runInBackground<PreflightResult>(
        this,
        [hosts, settings, auth] {
            PreflightResult all;
            for (const SiteHost& host : hosts) {
                const PreflightResult one = runPreflight(host, settings, auth.value(host.role));
                all.items << one.items;
                if (!one.connection.ok())
                    all.connection = one.connection;
            }
            return all;
        },
        [this](PreflightResult result) {
            for (const CheckItem& item : result.items) {
                const QStyle::StandardPixmap icon =
                    item.level == CheckLevel::Pass   ? QStyle::SP_DialogApplyButton
                    : item.level == CheckLevel::Warn ? QStyle::SP_MessageBoxWarning
                                                     : QStyle::SP_MessageBoxCritical;
                auto* row = new QListWidgetItem(
                    style()->standardIcon(icon),
                    QStringLiteral("%1 — %2: %3").arg(item.role, item.name, item.message), m_list);
                row->setData(Qt::UserRole, checkLevelName(item.level));
                if (item.fix.isSet()) {
                    auto* button = new QPushButton(item.fix.label, m_fixes);
                    button->setObjectName(QStringLiteral("applyFixButton"));
                    m_fixes->layout()->addWidget(button);
                    connect(button, &QPushButton::clicked, this,
                            [this, role = item.role, fix = item.fix] { applyFix(role, fix); });
                }
            }
            m_running = false;
            m_passed = result.passed();
            m_rerun->setEnabled(true);
            int warnings = 0;
            for (const CheckItem& item : result.items)
                warnings += item.level == CheckLevel::Warn;
            const QString passed =
                warnings ? tr("No check failed; read the %n warning(s) above.", nullptr, warnings)
                         : tr("All checks passed.");
            m_summary->setText(m_passed ? passed + tr(" \"Start upgrade\" begins the upgrade; it "
                                                      "cannot be undone except by rollback.")
                                        : tr("Fix what failed, then run the checks again."));
            emit completeChanged();
        });
}

void PreflightPage::applyFix(const QString& role, const SiteFix& fix)
{
    WizardState& state = wizardOf(this)->state();
    QJsonObject json = state.site.toJson();
    QJsonObject hosts = json.value(QStringLiteral("hosts")).toObject();
    QJsonObject host = hosts.value(role).toObject();
    host.insert(fix.key, fix.value);
    hosts.insert(role, host);
    json.insert(QStringLiteral("hosts"), hosts);
    QStringList errors;
    const Site site = Site::fromJson(json, state.siteFile, &errors);
    QString error;
    if (!errors.isEmpty() || !site.save(state.siteFile, &error)) {
        m_summary->setText(tr("Cannot change the site file %1: %2")
                               .arg(state.siteFile, errors.isEmpty() ? error : errors.join(' ')));
        return;
    }
    state.site = site;
    runChecks();
}

} // namespace myst
