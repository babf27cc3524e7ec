#pragma once

#include "core/journal/Journal.h"

#include <QWizardPage>

#include <optional>

class QComboBox;
class QGroupBox;
class QRadioButton;
class QTreeWidget;
class QFrame;
class QLabel;

namespace myst {

class HostHistoryPanel;

// Upgrade, or roll back: a previous upgrade picked from this computer's journal (interrupted
// and failed runs first, then newest first), or what the host itself knows (its records, else
// its images and backups), read in the background for the site chosen from the recent ones.
// From the host: a row, Next, "Roll back now" — three clicks, nothing typed.
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
    // The recent site files in the list, the current one first; reads its host.
    void showSites();
    void siteChosen(int index);
    void askHost();
    void showHostChoice();      // the host answered: its choice enabled, or disabled with why
    void showUpgradeFirst();    // nothing to roll back at all: Upgrade reads as the action
    bool confirmHostRollback(); // false: the dialog is open, Next comes again once confirmed

    QFrame* m_interrupted;
    QLabel* m_interruptedText;
    std::optional<Journal> m_unfinished;
    bool m_choseInterrupted = false; // Continue or Roll back on the panel, not the list
    QRadioButton* m_upgrade;
    QLabel* m_upgradeNote;
    QRadioButton* m_rollback;
    QTreeWidget* m_runs;
    QLabel* m_message;
    QComboBox* m_sites;
    QGroupBox* m_hostBox;
    QRadioButton* m_fromHost;
    HostHistoryPanel* m_host;
    bool m_hostConfirmed = false;
    bool m_againConfirmed = false; // a run rolled back before: rolling it back again was confirmed
};

} // namespace myst
