#pragma once

#include <QWizardPage>

class QRadioButton;
class QTreeWidget;
class QLabel;

namespace myst {

// Upgrade, or roll back a previous upgrade picked from the journal (interrupted and failed
// runs first, then newest first).
class StartPage : public QWizardPage
{
    Q_OBJECT
public:
    StartPage();
    void initializePage() override;
    bool isComplete() const override;
    bool validatePage() override;
    int nextId() const override;

private:
    QRadioButton* m_upgrade;
    QRadioButton* m_rollback;
    QTreeWidget* m_runs;
    QLabel* m_message;
};

} // namespace myst
