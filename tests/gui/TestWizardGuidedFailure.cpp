#include "tests/gui/TestWizard.h"

#include "ui/widgets/LogView.h"

#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTest>

using namespace myst;

namespace {
// The Run page, once the run has failed: the failure panel with its ways on.
QWidget* failurePanel(UpgradeWizard& w)
{
    return w.findChild<QWidget*>(QStringLiteral("failurePanel"));
}
} // namespace

// Issue 27: a failed step offers Retry (when safe), Accept (for a judgement), Roll back and
// Leave, each exercised once here against the simulated host; what each says is looked at in
// the screenshots (build/artifacts/gui/guided-*.png).
void TestWizard::failedStepOffersItsWaysOn()
{
    const auto failAt = [&](UpgradeWizard& w, const QString& version) {
        w.resize(1100, 820);
        w.show();
        walkToPreflight(w, version, false);
        click(w.button(QWizard::CommitButton));
        QTRY_VERIFY_WITH_TIMEOUT(failurePanel(w) && failurePanel(w)->isVisible(), 90000);
        QVERIFY(!w.button(QWizard::NextButton)->isEnabled()); // a choice is made, not skipped
    };
    const auto finishes = [&](UpgradeWizard& w, const QString& version) {
        QTRY_VERIFY_WITH_TIMEOUT(child<QLabel>(&w, "runStatusLabel")
                                     ->text()
                                     .contains(QStringLiteral("Upgrade complete")),
                                 90000);
        QVERIFY(!failurePanel(w)->isVisible());
        QVERIFY(w.button(QWizard::NextButton)->isEnabled());
        QCOMPARE(console(), version);
    };
    { // A pull that fails once: Retry, the safe choice, runs it again and the run finishes.
        m_sim->setFault(QStringLiteral("prod"), QStringLiteral("pull"), QStringLiteral("failonce"));
        UpgradeWizard w(m_sim->siteFile());
        failAt(w, QStringLiteral("4.1.0"));
        auto* retry = child<QPushButton>(&w, "retryStepButton");
        QVERIFY(retry->isEnabled());
        QVERIFY(retry->hasFocus());
        QVERIFY(!child<QPushButton>(&w, "acceptFailureButton")->isVisible());
        QVERIFY(child<QPushButton>(&w, "leaveAsIsButton")->isEnabled());
        QVERIFY(retry->accessibleDescription().contains(QStringLiteral("pull.sh")));
        // Tab reads the page top to bottom: the steps, the log, then the ways on.
        QStringList tabs;
        QWidget* at = child<QWidget>(&w, "stepsTree");
        for (int i = 0; i < 40 && tabs.size() < 6; ++i, at = at->nextInFocusChain()) {
            if (at->isVisible() && at->isEnabled() && (at->focusPolicy() & Qt::TabFocus))
                tabs << at->objectName();
        }
        QCOMPARE(tabs.mid(0, 5),
                 (QStringList{QStringLiteral("stepsTree"), QStringLiteral("findLineEdit"),
                              QStringLiteral("saveLogButton"), QStringLiteral("logView"),
                              QStringLiteral("retryStepButton")}));
        shot(&w, QStringLiteral("guided-1-pull-failed"));
        click(retry);
        finishes(w, QStringLiteral("4.1.0"));
        QVERIFY(child<LogView>(&w, "logView")
                    ->toPlainText()
                    .contains(QStringLiteral("Retry: step 2, attempt 2")));
        shot(&w, QStringLiteral("guided-2-pull-retried"));
    }
    { // An error line in a start-up that completed: quoted, and accepted.
        m_sim->setFault(QStringLiteral("prod"), QStringLiteral("start"),
                        QStringLiteral("errorlog"));
        UpgradeWizard w(m_sim->siteFile());
        failAt(w, QStringLiteral("4.2.0"));
        m_sim->setFault(QStringLiteral("prod"), QStringLiteral("start"), QString());
        auto* accept = child<QPushButton>(&w, "acceptFailureButton");
        QVERIFY(accept->isVisible());
        QVERIFY(child<QPlainTextEdit>(&w, "judgementLines")
                    ->toPlainText()
                    .contains(QStringLiteral("Failed to deploy myst-console")));
        // The console answers: the frozen clock does not claim MyST Studio is down.
        const QString outage = child<QLabel>(&w, "outageLabel")->text();
        QVERIFY2(outage.contains(QStringLiteral("Not verified: ")) &&
                     !outage.contains(QStringLiteral("is down")),
                 qPrintable(outage));
        shot(&w, QStringLiteral("guided-3-verify-error-line"));
        click(accept);
        finishes(w, QStringLiteral("4.2.0"));
        shot(&w, QStringLiteral("guided-4-accepted"));
    }
    { // A start that fails: left as it is, saying what runs on the host.
        m_sim->setFault(QStringLiteral("prod"), QStringLiteral("start"), QStringLiteral("fail"));
        UpgradeWizard w(m_sim->siteFile());
        failAt(w, QStringLiteral("4.3.0"));
        m_sim->setFault(QStringLiteral("prod"), QStringLiteral("start"), QString());
        QVERIFY(child<QPushButton>(&w, "failureRollbackButton")->isEnabled());
        shot(&w, QStringLiteral("guided-5-start-failed"));
        click(child<QPushButton>(&w, "leaveAsIsButton"));
        const QString status = child<QLabel>(&w, "runStatusLabel")->text();
        QVERIFY2(status.contains(QStringLiteral("Left as it is by")), qPrintable(status));
        QVERIFY2(status.contains(QStringLiteral("not answering")), qPrintable(status));
        QVERIFY(!failurePanel(w)->isVisible());
        QVERIFY(w.button(QWizard::NextButton)->isEnabled());
        shot(&w, QStringLiteral("guided-6-left"));
    }
    { // The Start page offers that failed run again; Continue shows its ways on, and Retry
      // (start.sh is safe to repeat) brings production up on the new version.
        UpgradeWizard w(m_sim->siteFile());
        w.resize(1100, 820);
        w.show();
        auto* panel = child<QWidget>(&w, "interruptedPanel");
        QTRY_VERIFY(panel && panel->isVisible());
        shot(&w, QStringLiteral("guided-7-start-page-failed-run"));
        click(child<QPushButton>(&w, "continueRunButton"));
        QTRY_VERIFY_WITH_TIMEOUT(failurePanel(w) && failurePanel(w)->isVisible(), 20000);
        click(child<QPushButton>(&w, "retryStepButton"));
        finishes(w, QStringLiteral("4.3.0"));
    }
}
