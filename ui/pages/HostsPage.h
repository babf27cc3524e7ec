#pragma once

#include <QList>
#include <QWizardPage>

class QLabel;
class QLineEdit;

namespace myst {

class HostForm;

// The hosts the approach needs; writes the site file (no secrets) and, on request, the
// secrets to the keychain.
class HostsPage : public QWizardPage
{
    Q_OBJECT
public:
    HostsPage();
    void initializePage() override;
    bool validatePage() override;
    HostForm* form() const { return m_prod; }

private:
    QLineEdit* m_siteFile;
    QLineEdit* m_knownHosts;
    HostForm* m_prod;
    HostForm* m_nonprod;
    HostForm* m_blue; // zero-downtime: the two instances
    HostForm* m_green;
    QLabel* m_message;

    QList<HostForm*> shownForms() const; // the approach's hosts
};

} // namespace myst
