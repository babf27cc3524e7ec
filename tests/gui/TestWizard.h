#pragma once

#include "tests/gui/WizardTestCase.h"

// Drives the wizard as an operator would, against a simulated MyST host, in one program: the
// tests run in the order declared here, and later ones start from the versions and runs the
// earlier ones left on the shared host (2.0.0, rolled back to 1.0.0, then 3.1.0 … 3.5.0).
// TestWizardXvfb runs upgradeThroughTheWizard alone on a real X server.
class TestWizard : public WizardTestCase
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase() { delete m_sim; }

    void versionPageReadsTheRunningVersion();        // TestWizardUpgrade.cpp
    void upgradeThroughTheWizard();                  // TestWizardUpgrade.cpp
    void rollbackFromTheStartPage();                 // TestWizardRollback.cpp
    void rollbackButtonAfterAFailedStart();          // TestWizardRollback.cpp
    void unknownHostKeyRejectedThenTrusted();        // TestWizardUpgrade.cpp
    void phasedUpgradeStopsAtTheGate();              // TestWizardUpgrade.cpp, a host of its own
    void offlineImageDroppedThenUploaded();          // TestWizardUpgrade.cpp, a host of its own
    void interruptedRunIsOfferedFirstAndContinued(); // TestWizardResume.cpp
    void interruptedRunIsRolledBackInTwoClicks_data();
    void interruptedRunIsRolledBackInTwoClicks();        // TestWizardRollback.cpp
    void operatorsWizardUntilKilled();                   // TestWizardResume.cpp
    void staleLockIsBrokenFromTheRunPage();              // TestWizardUpgrade.cpp
    void secretsForRunsStartedFromTheStartPage();        // TestWizardResume.cpp
    void interruptedInTheWizardThenContinuedOnThePage(); // TestWizardResume.cpp
    void logPaneRendersColoursAndKeepsTheCap();          // TestWizard.cpp
    void failedStepOffersItsWaysOn();                    // TestWizardGuidedFailure.cpp
};
