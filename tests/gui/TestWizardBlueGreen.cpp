#include "tests/gui/WizardTestCase.h"

#include "TestConfig.h"
#include "ui/widgets/LogView.h"

#include <QDir>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QPushButton>
#include <QRadioButton>
#include <QTest>
#include <QTreeWidget>

using namespace myst;

// Issue 18: a zero-downtime upgrade through the wizard with a manual switch: the Approach page
// offers it for a blue/green site, the Hosts page shows both instances and which one serves,
// the Run page measures the read-only window and stops at a gate that says exactly what to
// change and what is lost, and "I have switched" records green as active.
class TestWizardBlueGreen : public WizardTestCase
{
    Q_OBJECT

    bool readOnly(const QString& role) const
    {
        return HostSim::readFile(m_sim->mystHome(role) + QStringLiteral("/sim/mysql.json"))
            .contains("\"readOnly\": true");
    }

private slots:
    void initTestCase()
    {
        qputenv("XDG_STATE_HOME", m_state.path().toUtf8());
        m_shots = QStringLiteral(MYST_BINARY_DIR "/artifacts/gui");
        QDir().mkpath(m_shots);
        m_sim = new HostSim({QStringLiteral("blue"), QStringLiteral("green")});
        QVERIFY2(m_sim->isUp(), qPrintable(m_sim->error()));
    }

    void cleanupTestCase() { delete m_sim; }

    void upgradeGreenThenSwitchByHand()
    {
        UpgradeWizard w(m_sim->siteFile());
        w.resize(1100, 800);
        w.show();
        click(w.button(QWizard::NextButton));
        QCOMPARE(w.currentId(), int(UpgradeWizard::ApproachId));
        auto* zero = child<QRadioButton>(&w, "zeroDowntimeRadio");
        QVERIFY(zero->isEnabled());
        QVERIFY(zero->isChecked()); // a blue/green site
        QVERIFY(child<QLabel>(&w, "approachDescription")->text().contains(QStringLiteral("lost")));
        shot(&w, QStringLiteral("bg-2-approach"));
        click(w.button(QWizard::NextButton));
        QCOMPARE(w.currentId(), int(UpgradeWizard::HostsId));
        QStringList titles;
        for (QGroupBox* box : w.currentPage()->findChildren<QGroupBox*>())
            if (box->isVisible())
                titles << box->title();
        QCOMPARE(titles.size(), 2);
        QVERIFY2(titles.join(QLatin1Char('|')).contains(QStringLiteral("Blue: active")),
                 qPrintable(titles.join(QLatin1Char('|'))));
        QVERIFY(titles.join(QLatin1Char('|')).contains(QStringLiteral("Green: idle")));
        shot(&w, QStringLiteral("bg-3-hosts"));
        click(w.button(QWizard::NextButton));
        QCOMPARE(w.currentId(), int(UpgradeWizard::ImageId));
        QTest::keyClicks(child<QLineEdit>(&w, "versionLineEdit"), QStringLiteral("2.0.0"));
        click(w.button(QWizard::NextButton));
        QCOMPARE(w.currentId(), int(UpgradeWizard::PreflightId));
        QTRY_VERIFY_WITH_TIMEOUT(w.button(QWizard::CommitButton)->isEnabled(), 30000);
        click(w.button(QWizard::CommitButton));
        QCOMPARE(w.currentId(), int(UpgradeWizard::RunId));
        // The manual switch: a gate that says what to change and what is lost.
        auto* gate = child<QWidget>(&w, "gatePanel");
        QTRY_VERIFY_WITH_TIMEOUT(gate->isVisible(), 90000);
        const QString gateText = gate->findChild<QLabel*>()->text();
        QVERIFY2(gateText.contains(QStringLiteral("Point the service&#x27;s DNS name at green")) ||
                     gateText.contains(QStringLiteral("Point the service's DNS name at green")),
                 qPrintable(gateText));
        QVERIFY(gateText.contains(QStringLiteral("lost")));
        auto* switched = child<QPushButton>(&w, "gateContinueButton");
        QCOMPARE(switched->text(), QStringLiteral("I have switched to green"));
        QVERIFY(!readOnly(QStringLiteral("blue"))); // off again before the switch
        QVERIFY2(
            child<QLabel>(&w, "outageLabel")->text().contains(QStringLiteral("Read-only window")),
            qPrintable(child<QLabel>(&w, "outageLabel")->text()));
        shot(&w, QStringLiteral("bg-6-run-switch-gate"));
        click(switched);
        QTRY_VERIFY_WITH_TIMEOUT(w.button(QWizard::NextButton)->isEnabled(), 30000);
        QVERIFY(child<QLabel>(&w, "runStatusLabel")
                    ->text()
                    .contains(QStringLiteral("running on green, which now serves")));
        const QJsonObject site =
            QJsonDocument::fromJson(HostSim::readFile(m_sim->siteFile())).object();
        QCOMPARE(site.value(QStringLiteral("blueGreen"))
                     .toObject()
                     .value(QStringLiteral("active"))
                     .toString(),
                 QStringLiteral("green"));
        QCOMPARE(m_sim->schemaVersion(QStringLiteral("green")), QStringLiteral("2.0.0"));
        QCOMPARE(m_sim->schemaVersion(QStringLiteral("blue")), QStringLiteral("1.0.0"));
        shot(&w, QStringLiteral("bg-6-run-done"));
        // After the switch, the rollback is switching back: one button.
        auto* back = child<QPushButton>(&w, "rollbackButton");
        QCOMPARE(back->text(), QStringLiteral("Switch back to blue"));
        click(back);
        QTRY_VERIFY_WITH_TIMEOUT(gate->isVisible(), 30000); // a manual switch, this way too
        QCOMPARE(switched->text(), QStringLiteral("I have switched to blue"));
        click(switched);
        QTRY_VERIFY_WITH_TIMEOUT(child<QLabel>(&w, "runStatusLabel")
                                     ->text()
                                     .contains(QStringLiteral("Switched: blue serves now")),
                                 30000);
        QCOMPARE(QJsonDocument::fromJson(HostSim::readFile(m_sim->siteFile()))
                     .object()
                     .value(QStringLiteral("blueGreen"))
                     .toObject()
                     .value(QStringLiteral("active"))
                     .toString(),
                 QStringLiteral("blue"));
        QVERIFY(!back->isEnabled()); // one rollback per page
        shot(&w, QStringLiteral("bg-6-run-switched-back"));
    }

    // The laptop died while blue was read-only (the CLI killed during blue's backup): the
    // Start page says blue may still refuse writes, and Continue turns that off first.
    void anInterruptedRunIsContinuedReadOnlyOffFirst()
    {
        m_sim->setFault(QStringLiteral("blue"), QStringLiteral("backup-database"),
                        QStringLiteral("slow 3"));
        QProcess cli;
        cli.start(
            qEnvironmentVariable("MYST_CLI", QStringLiteral(MYST_BINARY_DIR "/app/myst-upgrade")),
            {QStringLiteral("upgrade"), QStringLiteral("--site"), m_sim->siteFile(),
             QStringLiteral("--approach"), QStringLiteral("zero-downtime"),
             QStringLiteral("--version"), QStringLiteral("3.0.0"), QStringLiteral("--yes"),
             QStringLiteral("--json")});
        QVERIFY(cli.waitForStarted());
        QByteArray seen;
        QTRY_VERIFY_WITH_TIMEOUT(
            (seen += cli.readAllStandardOutput()).contains("backup-database: working slowly") ||
                cli.state() == QProcess::NotRunning,
            60000);
        cli.kill();
        QVERIFY(cli.waitForFinished());
        m_sim->setFault(QStringLiteral("blue"), QStringLiteral("backup-database"), QString());
        QVERIFY(readOnly(QStringLiteral("blue")));

        UpgradeWizard w(m_sim->siteFile());
        w.resize(1100, 800);
        w.show();
        auto* panel = child<QWidget>(&w, "interruptedPanel");
        QTRY_VERIFY(panel->isVisible());
        const QString text = panel->findChild<QLabel*>()->text();
        QVERIFY2(text.contains(QStringLiteral("blue may still be read-only")), qPrintable(text));
        shot(&w, QStringLiteral("bg-1-start-interrupted-read-only"));
        click(child<QPushButton>(&w, "continueRunButton"));
        QTRY_COMPARE_WITH_TIMEOUT(w.currentId(), int(UpgradeWizard::RunId), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(child<QWidget>(&w, "blueLogPane")
                                     ->findChild<LogView*>()
                                     ->toPlainText()
                                     .contains(QStringLiteral("read-only mode is off again")),
                                 20000);
        QVERIFY(!readOnly(QStringLiteral("blue")));
        auto* gate = child<QWidget>(&w, "gatePanel");
        QTRY_VERIFY_WITH_TIMEOUT(gate->isVisible(), 90000); // then on to the manual switch
        click(child<QPushButton>(&w, "gateContinueButton"));
        QTRY_VERIFY_WITH_TIMEOUT(w.button(QWizard::NextButton)->isEnabled(), 30000);
        QCOMPARE(m_sim->schemaVersion(QStringLiteral("green")), QStringLiteral("3.0.0"));
        QVERIFY(!readOnly(QStringLiteral("blue")));
    }
};

QTEST_MAIN(TestWizardBlueGreen)
#include "TestWizardBlueGreen.moc"
