#include "tests/gui/TestWizard.h"

#include "TestConfig.h"
#include "ui/widgets/LogView.h"

#include <QCheckBox>
#include <QFile>
#include <QFileDialog>
#include <QFrame>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QScrollBar>
#include <QTest>
#include <QTextBrowser>
#include <QTreeWidget>

using namespace myst;

// New upgrades through every page: in place, phased, from an offline image, past a host key
// and a stale lock.

// Issue 29: without Test connection on the Hosts page, the Version page asks the host itself
// (on a worker thread) instead of saying "unknown" and sending the operator back.
void TestWizard::versionPageReadsTheRunningVersion()
{
    UpgradeWizard w(m_sim->siteFile());
    w.show();
    click(w.button(QWizard::NextButton)); // Upgrade
    click(w.button(QWizard::NextButton)); // in place
    QCOMPARE(w.currentId(), int(UpgradeWizard::HostsId));
    click(w.button(QWizard::NextButton));
    QCOMPARE(w.currentId(), int(UpgradeWizard::ImageId));
    auto* current = child<QLabel>(&w, "currentVersionLabel");
    QVERIFY2(current->text().startsWith(QStringLiteral("Reading it from prod")),
             qPrintable(current->text())); // the GUI thread did not wait for the host
    QTRY_VERIFY_WITH_TIMEOUT(
        current->text().startsWith(QStringLiteral("MyST Studio 1.0.0 on prod")), 20000);
    QCOMPARE(w.state().currentVersion, QStringLiteral("1.0.0"));
    shot(&w, QStringLiteral("4-image-running-version"));
}

void TestWizard::upgradeThroughTheWizard()
{
    UpgradeWizard w(m_sim->siteFile());
    w.show();
    walkToPreflight(w, QStringLiteral("2.0.0"), true);
    click(w.button(QWizard::CommitButton));
    QCOMPARE(w.currentId(), int(UpgradeWizard::RunId));
    QVERIFY(!w.button(QWizard::CancelButton)->isEnabled()); // the run cannot be closed under way
    // The GUI stays live during the run: the log fills while steps are still running.
    QTRY_VERIFY_WITH_TIMEOUT(
        child<LogView>(&w, "logView")->toPlainText().contains(QStringLiteral("Pulling from")),
        30000);
    QTRY_VERIFY_WITH_TIMEOUT(child<QPushButton>(&w, "rollbackButton")->isEnabled(),
                             30000); // backup recorded
    QTRY_VERIFY_WITH_TIMEOUT(w.button(QWizard::NextButton)->isEnabled(), 90000);
    auto* steps = child<QTreeWidget>(&w, "stepsTree");
    QCOMPARE(steps->topLevelItemCount(), 7);
    for (int i = 0; i < 7; ++i)
        QVERIFY2(!steps->topLevelItem(i)->text(3).isEmpty(), "every step shows its duration");
    QVERIFY(child<LogView>(&w, "logView")
                ->toPlainText()
                .contains(QStringLiteral("Migrating database schema from 1.0.0 to 2.0.0")));
    QVERIFY(child<QLabel>(&w, "outageLabel")->text().startsWith(QStringLiteral("Outage:")));
    QVERIFY(child<QLabel>(&w, "outageLabel")->text().contains(QStringLiteral("stop to verified")));
    auto* log = child<LogView>(&w, "logView");
    QTRY_VERIFY(
        log->lineCount() > 0 &&
        log->line(log->lineCount() - 1).text.contains(QStringLiteral("console shows 2.0.0")));
    QTRY_COMPARE(log->verticalScrollBar()->value(),
                 log->verticalScrollBar()->maximum()); // followed to the end
    QVERIFY(
        child<QLabel>(&w, "runStatusLabel")->text().contains(QStringLiteral("Upgrade complete")));
    shot(&w, QStringLiteral("6-run"));
    click(w.button(QWizard::NextButton));
    QCOMPARE(w.currentId(), int(UpgradeWizard::SummaryId));
    QVERIFY(child<QLabel>(&w, "outcomeLabel")
                ->text()
                .contains(QStringLiteral("MyST Studio 2.0.0 is running")));
    QVERIFY(child<QTextBrowser>(&w, "reportBrowser")
                ->toPlainText()
                .contains(m_sim->mystHome(QStringLiteral("prod")) + QStringLiteral("/backup/")));
    shot(&w, QStringLiteral("7-summary"));
    // The export dialog is opened, not run in a loop of its own: the test goes on while it is
    // up, and the report is written when a file is chosen.
    click(child<QPushButton>(&w, "exportReportButton"));
    QFileDialog* save = nullptr;
    QTRY_VERIFY((save = w.findChild<QFileDialog*>(QStringLiteral("exportReportDialog"))) &&
                save->isVisible());
    const QString report = m_state.filePath(QStringLiteral("report.md"));
    save->selectFile(report);
    static_cast<QDialog*>(save)->accept(); // QFileDialog's own accept() is protected
    QTRY_VERIFY(QFile::exists(report));
    QVERIFY(HostSim::readFile(report).contains(
        (m_sim->mystHome(QStringLiteral("prod")) + QStringLiteral("/backup/")).toUtf8()));
    QCOMPARE(console(), QStringLiteral("2.0.0"));
    QCOMPARE(m_sim->schemaVersion(QStringLiteral("prod")), QStringLiteral("2.0.0"));
}

void TestWizard::unknownHostKeyRejectedThenTrusted()
{
    // A site whose known_hosts file does not know the host.
    QTemporaryDir dir;
    const QString known = dir.filePath(QStringLiteral("known_hosts"));
    QFile::copy(m_sim->siteFile(), dir.filePath(QStringLiteral("site.json")));
    HostSim::sh(QStringLiteral("sed -i 's#\"knownHosts\": \"[^\"]*\"#\"knownHosts\": \"%1\"#' '%2'")
                    .arg(known, dir.filePath(QStringLiteral("site.json"))));
    UpgradeWizard w(dir.filePath(QStringLiteral("site.json")));
    w.show();
    click(w.button(QWizard::NextButton));
    click(w.button(QWizard::NextButton));
    QCOMPARE(child<QLineEdit>(&w, "knownHostsLineEdit")->text(), known);
    const QString fingerprint =
        HostSim::sh(QStringLiteral("ssh-keygen -lf '%1/prod/ssh/ssh_host_ed25519_key.pub'")
                        .arg(m_sim->dir()))
            .section(QLatin1Char(' '), 1, 1);

    for (const char* answer : {"rejectButton", "trustButton"}) {
        click(child<QPushButton>(prodForm(&w), "testConnectionButton"));
        QMessageBox* dialog = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(
            (dialog = w.findChild<QMessageBox*>(QStringLiteral("hostKeyDialog"))) &&
                dialog->isVisible(),
            20000);
        QVERIFY(dialog->text().contains(fingerprint));
        if (QLatin1String(answer) == QLatin1String("rejectButton"))
            shot(dialog, QStringLiteral("12-host-key"));
        click(dialog->findChild<QPushButton*>(QLatin1String(answer)));
        QTRY_VERIFY(!w.findChild<QMessageBox*>(QStringLiteral("hostKeyDialog")));
        if (QLatin1String(answer) == QLatin1String("rejectButton")) {
            QTRY_VERIFY(child<QLabel>(prodForm(&w), "connectionResultLabel")
                            ->text()
                            .contains(QStringLiteral("rejected")));
            QVERIFY(!QFile::exists(known) || QFile(known).size() == 0);
        } else {
            QTRY_VERIFY_WITH_TIMEOUT(child<QLabel>(prodForm(&w), "connectionResultLabel")
                                         ->text()
                                         .contains(QStringLiteral("Connected")),
                                     20000);
            QFile f(known);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY(f.readAll().contains("ssh-ed25519"));
        }
    }
}

void TestWizard::phasedUpgradeStopsAtTheGate()
{
    HostSim sim({QStringLiteral("nonprod"), QStringLiteral("prod")});
    QVERIFY2(sim.isUp(), qPrintable(sim.error()));
    UpgradeWizard w(sim.siteFile());
    w.show();
    click(w.button(QWizard::NextButton));
    click(child<QRadioButton>(&w, "phasedRadio"));
    QVERIFY(child<QCheckBox>(&w, "copyProdDataCheckBox")->isChecked());
    shot(&w, QStringLiteral("2b-approach-phased"));
    click(w.button(QWizard::NextButton));
    auto* nonprod = child<QWidget>(&w, "nonprodHostForm");
    QVERIFY(nonprod->isVisible());
    QCOMPARE(nonprod->findChild<QLineEdit*>(QStringLiteral("mystHomeLineEdit"))->text(),
             sim.mystHome(QStringLiteral("nonprod")));
    shot(&w, QStringLiteral("3b-hosts-phased"));
    click(w.button(QWizard::NextButton));
    QTest::keyClicks(child<QLineEdit>(&w, "versionLineEdit"), QStringLiteral("2.0.0"));
    click(w.button(QWizard::NextButton));
    QTRY_VERIFY_WITH_TIMEOUT(w.button(QWizard::CommitButton)->isEnabled() ||
                                 !child<QPushButton>(&w, "rerunChecksButton")->isEnabled() == false,
                             60000);
    auto* checks = child<QListWidget>(&w, "checksList");
    QStringList lines;
    for (int i = 0; i < checks->count(); ++i)
        lines << checks->item(i)->text();
    QVERIFY2(w.button(QWizard::CommitButton)->isEnabled(),
             qPrintable(lines.join(QLatin1Char('\n'))));
    QCOMPARE(checks->count(), 12); // both hosts checked
    click(w.button(QWizard::CommitButton));

    auto* gate = child<QFrame>(&w, "gatePanel");
    QTRY_VERIFY_WITH_TIMEOUT(gate->isVisible(), 120000);
    QCOMPARE(consoleOf(sim, QStringLiteral("nonprod")), QStringLiteral("2.0.0"));
    QCOMPARE(consoleOf(sim, QStringLiteral("prod")),
             QStringLiteral("1.0.0")); // untouched at the gate
    QVERIFY(child<QWidget>(&w, "nonprodLogPane") && child<QWidget>(&w, "prodLogPane"));
    const QString status = child<QLabel>(&w, "runStatusLabel")->text();
    QVERIFY2(status.contains(QStringLiteral("Paused at the gate")), qPrintable(status));
    shot(&w, QStringLiteral("6b-gate"));
    click(child<QPushButton>(&w, "gateContinueButton"));
    QTRY_VERIFY_WITH_TIMEOUT(w.button(QWizard::NextButton)->isEnabled(), 120000);
    QVERIFY2(
        child<QLabel>(&w, "runStatusLabel")->text().contains(QStringLiteral("Upgrade complete")),
        qPrintable(child<QLabel>(&w, "runStatusLabel")->text()));
    QCOMPARE(consoleOf(sim, QStringLiteral("prod")), QStringLiteral("2.0.0"));
    shot(&w, QStringLiteral("6c-phased-run"));
}

void TestWizard::offlineImageDroppedThenUploaded()
{
    HostSim sim;
    QVERIFY2(sim.isUp(), qPrintable(sim.error()));
    QTemporaryDir files;
    // Not an image first: refused on the page with the reason.
    const QString notes = files.filePath(QStringLiteral("release-notes.tar"));
    {
        QFile f(notes);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray("MyST Studio release notes, not an image\n").repeated(50));
    }
    const QString tar = files.filePath(QStringLiteral("myst-studio-2.1.0.tar.gz"));
    const QString imageId =
        HostSim::sh(QStringLiteral("'%1/hostsim/make-image-tar' 2.1.0 '%2' --layer-mb 24")
                        .arg(QStringLiteral(MYST_SOURCE_DIR "/tests"), tar))
            .trimmed();
    QVERIFY(imageId.startsWith(QStringLiteral("sha256:")));

    UpgradeWizard w(sim.siteFile());
    w.show();
    click(w.button(QWizard::NextButton));
    click(w.button(QWizard::NextButton));
    click(w.button(QWizard::NextButton));
    QCOMPARE(w.currentId(), int(UpgradeWizard::ImageId));
    auto* zone = child<QWidget>(&w, "imageDropZone");
    auto* details = child<QLabel>(&w, "archiveDetailsLabel");
    dropFile(zone, notes);
    QTRY_VERIFY_WITH_TIMEOUT(details->text().contains(QStringLiteral("cannot be used")), 10000);
    QVERIFY(details->text().contains(QStringLiteral("not a tar archive")));
    QVERIFY(!w.button(QWizard::NextButton)->isEnabled());
    shot(&w, QStringLiteral("4c-image-refused"));

    dropFile(zone, tar);
    QTRY_VERIFY_WITH_TIMEOUT(
        details->text().contains(QStringLiteral("registry.example.com/myst-studio:2.1.0")), 10000);
    QVERIFY(details->text().contains(imageId.left(19)));
    QCOMPARE(child<QLineEdit>(&w, "versionLineEdit")->text(), QStringLiteral("2.1.0"));
    QVERIFY(child<QLineEdit>(&w, "versionLineEdit")->isReadOnly());
    shot(&w, QStringLiteral("4b-image-offline"));
    click(w.button(QWizard::NextButton));
    QCOMPARE(w.currentId(), int(UpgradeWizard::PreflightId));
    QTRY_VERIFY_WITH_TIMEOUT(w.button(QWizard::CommitButton)->isEnabled(), 30000);
    click(w.button(QWizard::CommitButton));

    auto* bar = child<QProgressBar>(&w, "uploadProgressBar");
    auto* label = child<QLabel>(&w, "uploadProgressLabel");
    QTRY_VERIFY_WITH_TIMEOUT(bar->isVisible(), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(label->text().startsWith(QStringLiteral("Uploaded to prod")), 60000);
    QCOMPARE(bar->value(), bar->maximum());
    QTRY_VERIFY_WITH_TIMEOUT(w.button(QWizard::NextButton)->isEnabled(), 90000);
    shot(&w, QStringLiteral("6d-run-offline"));
    QVERIFY2(
        child<QLabel>(&w, "runStatusLabel")->text().contains(QStringLiteral("Upgrade complete")),
        qPrintable(child<QLabel>(&w, "runStatusLabel")->text()));
    QCOMPARE(sim.taggedImageId(QStringLiteral("prod")), imageId);
    QCOMPARE(consoleOf(sim, QStringLiteral("prod")), QStringLiteral("2.1.0"));
}

// A lock left by a wizard on a computer that died: named on the Run page, broken only
// after a warning, and the run goes on.
void TestWizard::staleLockIsBrokenFromTheRunPage()
{
    const QString lock = m_sim->mystHome(QStringLiteral("prod")) + "/.myst-upgrade/lock";
    QDir().mkpath(QFileInfo(lock).path());
    QFile file(lock);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("run=20260101-000000-dead user=bob from=old-laptop pid=4242 "
               "since=2026-01-01T00:00:00Z\n");
    file.close();
    UpgradeWizard w(m_sim->siteFile());
    w.show();
    walkToPreflight(w, QStringLiteral("3.3.0"), false);
    auto* checks = child<QListWidget>(&w, "checksList");
    QStringList checkLines;
    for (int i = 0; i < checks->count(); ++i)
        checkLines << checks->item(i)->text();
    // Seen before anything starts: a warning naming the holder.
    QVERIFY2(checkLines.join('\n').contains(QStringLiteral("bob on old-laptop")),
             qPrintable(checkLines.join('\n')));
    shot(&w, QStringLiteral("12a-preflight-locked"));
    click(w.button(QWizard::CommitButton));
    auto* status = child<QLabel>(&w, "runStatusLabel");
    QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("locked by another")), 60000);
    QVERIFY(status->text().contains(QStringLiteral("bob on old-laptop")));
    auto* breakLock = child<QPushButton>(&w, "breakLockButton");
    QTRY_VERIFY(breakLock->isVisible());
    QCOMPARE(console(), QStringLiteral("3.1.0")); // nothing was touched
    shot(&w, QStringLiteral("12-run-locked"));
    click(breakLock);
    QMessageBox* dialog = nullptr;
    QTRY_VERIFY((dialog = w.findChild<QMessageBox*>(QStringLiteral("breakLockDialog"))) &&
                dialog->isVisible());
    QVERIFY(dialog->text().contains(QStringLiteral("bob on old-laptop")));
    QVERIFY(QFile::exists(lock)); // not before the operator confirms
    shot(dialog, QStringLiteral("13-break-lock-confirm"));
    click(dialog->findChild<QPushButton*>(QStringLiteral("confirmBreakLockButton")));
    QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("Upgrade complete")), 90000);
    QTRY_VERIFY(w.button(QWizard::NextButton)->isEnabled());
    QVERIFY(
        child<LogView>(&w, "logView")->toPlainText().contains(QStringLiteral("Broke the lock")));
    QVERIFY(!breakLock->isVisible());
    shot(&w, QStringLiteral("14-run-after-lock-broken"));
    QCOMPARE(console(), QStringLiteral("3.3.0"));
    QVERIFY(!QFile::exists(lock)); // released at the end of the run
}
