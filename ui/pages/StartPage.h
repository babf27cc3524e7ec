#pragma once

#include "core/journal/Journal.h"

#include <QWizardPage>

#include <optional>

class QRadioButton;
class QTreeWidget;
class QFrame;
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
    // An unfinished run whose process is gone (the app or laptop died, the network dropped):
    // offered first, with Continue and Roll back, before anything else.
    void offerInterruptedRun();
    void chooseInterrupted(bool rollBack);
    bool adoptSiteOf(const Journal& run);

    QFrame* m_interrupted;
    QLabel* m_interruptedText;
    std::optional<Journal> m_unfinished;
    bool m_choseInterrupted = false; // Continue or Roll back on the panel, not the list
    QRadioButton* m_upgrade;
    QRadioButton* m_rollback;
    QTreeWidget* m_runs;
    QLabel* m_message;
};

} // namespace myst
