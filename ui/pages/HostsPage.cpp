#include "ui/pages/HostsPage.h"
#include "core/journal/RunNames.h"

#include "core/site/Credentials.h"
#include "ui/widgets/HostForm.h"
#include "ui/widgets/PlainText.h"
#include "ui/wizard/Roles.h"
#include "ui/wizard/UpgradeWizard.h"

#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

namespace myst {

HostsPage::HostsPage()
{
    setTitle(tr("Hosts"));
    setSubTitle(
        tr("Where MyST Studio runs and how to log in. Host keys are checked strictly against "
           "your known hosts file; passwords are kept only in the keychain, on request."));
    m_siteFile = new QLineEdit(this);
    m_siteFile->setObjectName(QStringLiteral("siteFileLineEdit"));
    m_knownHosts = new QLineEdit(QStringLiteral("~/.ssh/known_hosts"), this);
    m_knownHosts->setObjectName(QStringLiteral("knownHostsLineEdit"));
    m_nonprod =
        new HostForm(Roles::Nonprod, tr("Non-production (upgraded and verified first)"), this);
    m_prod = new HostForm(Roles::Prod, tr("Production"), this);
    m_blue = new HostForm(Roles::Blue, tr("Blue"), this);
    m_green = new HostForm(Roles::Green, tr("Green"), this);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("hostsMessageLabel"));
    m_message->setWordWrap(true);
    plaintext::makePlain(m_message);
    m_message->setStyleSheet(QStringLiteral("color: #b21818;"));
    auto* files = new QFormLayout;
    files->addRow(tr("Site file"), m_siteFile);
    files->addRow(tr("Known hosts file"), m_knownHosts);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(files);
    layout->addWidget(m_nonprod);
    layout->addWidget(m_prod);
    layout->addWidget(m_blue);
    layout->addWidget(m_green);
    layout->addWidget(m_message);
    layout->addStretch();
    for (HostForm* form : {m_nonprod, m_prod, m_blue, m_green}) {
        connect(m_knownHosts, &QLineEdit::textChanged, form, &HostForm::setKnownHostsFile);
        form->setKnownHostsFile(m_knownHosts->text());
    }
}

void HostsPage::initializePage()
{
    WizardState& state = wizardOf(this)->state();
    m_siteFile->setText(state.siteFile);
    if (!state.site.knownHostsFile.isEmpty())
        m_knownHosts->setText(state.site.knownHostsFile);
    const bool blueGreen = state.approach == Approach::ZeroDowntime;
    m_nonprod->setVisible(state.approach == Approach::Phased);
    m_prod->setVisible(!blueGreen);
    m_blue->setVisible(blueGreen);
    m_green->setVisible(blueGreen);
    if (blueGreen) { // which one serves, and which one this upgrade changes
        const QString active = state.site.blueGreen.active;
        for (HostForm* form : {m_blue, m_green})
            form->setTitle(form->role() == active
                               ? tr("%1: active, serves now (read-only while its backup is taken)")
                                     .arg(Roles::title(form->role()))
                               : tr("%1: idle, upgraded with the active one's data")
                                     .arg(Roles::title(form->role())));
    }
    for (HostForm* form : shownForms()) {
        QString role = form->role();
        if (!state.site.hosts.contains(role) && role == Roles::Prod)
            role = state.site.defaultRole(); // a one-host site file
        if (role.isEmpty() || !state.site.hosts.contains(role))
            continue;
        form->setHost(
            state.site.hosts.value(role),
            state.site.source.value(QStringLiteral("hosts")).toObject().value(role).toObject());
        if (state.site.hosts.value(role).auth != AuthMethod::Agent) {
            // Prefill a remembered secret; nothing stored is no error.
            Credentials::read(form->endpointId(), form, [form](const KeychainResult& r) {
                if (r.found)
                    form->setSecret(r.secret);
            });
        }
    }
}

bool HostsPage::validatePage()
{
    m_message->clear();
    WizardState& state = wizardOf(this)->state();
    const QString siteFile = QDir::cleanPath(expandHome(m_siteFile->text().trimmed()));
    // From the site as loaded: only what the forms show changes. Other hosts (nonprod on an
    // in-place run), fields no form shows and fields this version does not know are kept.
    QJsonObject json = state.site.toJson();
    QJsonObject hosts = json.value(QStringLiteral("hosts")).toObject();
    for (HostForm* form : shownForms()) {
        // The production form was filled from a one-host site's only host when it has no
        // production role: that host's other fields carry over; the host itself stays as it was.
        const QString from = hosts.contains(form->role()) || form->role() != Roles::Prod
                                 ? form->role()
                                 : state.site.defaultRole();
        hosts.insert(form->role(), form->editedInto(hosts.value(from).toObject()));
    }
    json.insert(QStringLiteral("hosts"), hosts);
    json.insert(QStringLiteral("knownHosts"), m_knownHosts->text().trimmed());
    QStringList errors;
    Site site = Site::fromJson(json, siteFile, &errors); // settings come along in the JSON
    if (siteFile.isEmpty() || !QDir::isAbsolutePath(siteFile))
        errors << tr("Choose where to save the site file (an absolute path).");
    if (!errors.isEmpty()) {
        m_message->setText(errors.join(QLatin1Char('\n')));
        return false;
    }
    QDir().mkpath(QFileInfo(siteFile).absolutePath());
    QString error;
    if (!site.save(siteFile, &error)) {
        m_message->setText(tr("Cannot save the site file %1: %2").arg(siteFile, error));
        return false;
    }
    for (HostForm* form : shownForms()) {
        if (!site.hosts.contains(form->role()))
            continue;
        if (form->rememberSecret()) {
            Credentials::store(form->endpointId(), form->secret(), this,
                               [this](const KeychainResult& r) {
                                   if (!r.ok)
                                       m_message->setText(r.error);
                               });
        }
        state.auth.insert(form->role(), form->auth());
    }
    state.siteFile = siteFile;
    state.site = site;
    state.currentVersion = (state.approach == Approach::ZeroDowntime
                                ? (site.blueGreen.active == Roles::Green ? m_green : m_blue)
                                : m_prod)
                               ->lastVersion();
    return true;
}

QList<HostForm*> HostsPage::shownForms() const
{
    const QString approach = wizardOf(this)->state().approach;
    if (approach == Approach::ZeroDowntime)
        return {m_blue, m_green};
    if (approach == Approach::Phased)
        return {m_nonprod, m_prod};
    return {m_prod};
}

} // namespace myst
