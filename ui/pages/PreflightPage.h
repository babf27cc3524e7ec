#pragma once

#include <QWizardPage>

class QLabel;
class QListWidget;
class QPushButton;

namespace myst {

struct SiteFix;

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
    // Writes the accepted change into the site file and the wizard's site, then checks again.
    void applyFix(const QString& role, const SiteFix& fix);
    QListWidget* m_list;
    QPushButton* m_rerun;
    QLabel* m_summary;
    QWidget* m_fixes; // a button per change that would make a failed check pass
    bool m_running = false;
    bool m_passed = false;
};

} // namespace myst
