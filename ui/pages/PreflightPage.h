#pragma once

#include <QWizardPage>

class QLabel;
class QListWidget;
class QPushButton;

namespace myst {

// The `check` results with pass / warn / fail icons; Next is blocked while something fails.
class PreflightPage : public QWizardPage
{
    Q_OBJECT
public:
    PreflightPage();
    void initializePage() override;
    bool isComplete() const override;

private:
    void runChecks();
    QListWidget* m_list;
    QPushButton* m_rerun;
    QLabel* m_summary;
    bool m_running = false;
    bool m_passed = false;
};

} // namespace myst
