#include "tests/gui/WizardTestCase.h"

#include "TestConfig.h"
#include "core/site/Credentials.h"

#include <QAbstractButton>
#include <QApplication>
#include <QDir>
#include <QDropEvent>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QMimeData>
#include <QProcess>
#include <QPushButton>
#include <QRadioButton>
#include <QScopeGuard>
#include <QScreen>
#include <QTest>
#include <QTreeWidget>

using namespace myst;

void WizardTestCase::shot(QWidget* w, const QString& name)
{
    QTest::qWait(200); // let batched log lines (50 ms) land, as a person would see them
    w->grab().save(m_shots + QLatin1Char('/') + name + QStringLiteral(".png"));
    if (QGuiApplication::platformName() == QLatin1String("xcb")) // under xvfb-run: the real screen
        w->screen()->grabWindow(0).save(m_shots + QStringLiteral("/screen-") + name +
                                        QStringLiteral(".png"));
}

void WizardTestCase::click(QAbstractButton* button)
{
    QVERIFY(button);
    QVERIFY(button->isEnabled());
    // Near the left edge: a radio button only takes clicks on its indicator and label,
    // which a full-width button's centre may miss.
    QTest::mouseClick(button, Qt::LeftButton, {},
                      QPoint(qMin(12, button->width() / 2), button->height() / 2));
}

QString WizardTestCase::consoleOf(const HostSim& sim, const QString& role)
{
    const QString url = sim.host(role).value(QStringLiteral("consoleUrl")).toString();
    const QString page = HostSim::sh(QStringLiteral("curl -s %1").arg(url));
    const QString marker = QStringLiteral("class=\"version\">MyST Studio ");
    const int at = page.indexOf(marker);
    return at < 0 ? QString() : page.mid(at + marker.size()).section(QLatin1Char('<'), 0, 0);
}

// The production host's group box: with phased there are two forms with the same fields.
QWidget* WizardTestCase::prodForm(QWidget* w)
{
    return w->findChild<QWidget*>(QStringLiteral("prodHostForm"));
}

// Start → Approach → Hosts → Image → Pre-flight → Run, ready to click "Start upgrade".
void WizardTestCase::walkToPreflight(UpgradeWizard& w, const QString& version, bool shots)
{
    QCOMPARE(w.currentId(), int(UpgradeWizard::StartId));
    if (shots)
        shot(&w, QStringLiteral("1-start"));
    click(w.button(QWizard::NextButton));
    QCOMPARE(w.currentId(), int(UpgradeWizard::ApproachId));
    QVERIFY(child<QRadioButton>(&w, "inPlaceRadio")->isChecked());
    QVERIFY(child<QLabel>(&w, "approachDescription")
                ->text()
                .contains(QStringLiteral("Simple to set up")));
    if (shots)
        shot(&w, QStringLiteral("2-approach"));
    click(w.button(QWizard::NextButton));
    QCOMPARE(w.currentId(), int(UpgradeWizard::HostsId));
    QCOMPARE(child<QLineEdit>(prodForm(&w), "hostLineEdit")->text(), QStringLiteral("127.0.0.1"));
    click(child<QPushButton>(prodForm(&w), "testConnectionButton"));
    QTRY_VERIFY_WITH_TIMEOUT(child<QLabel>(prodForm(&w), "connectionResultLabel")
                                 ->text()
                                 .contains(QStringLiteral("Running MyST Studio")),
                             20000);
    if (shots)
        shot(&w, QStringLiteral("3-hosts"));
    click(w.button(QWizard::NextButton));
    QCOMPARE(w.currentId(), int(UpgradeWizard::ImageId));
    QVERIFY(!w.button(QWizard::NextButton)->isEnabled()); // a version is required
    QTest::keyClicks(child<QLineEdit>(&w, "versionLineEdit"), version);
    if (shots)
        shot(&w, QStringLiteral("4-image"));
    click(w.button(QWizard::NextButton));
    QCOMPARE(w.currentId(), int(UpgradeWizard::PreflightId));
    QTRY_VERIFY_WITH_TIMEOUT(w.button(QWizard::CommitButton)->isEnabled(), 30000);
    QCOMPARE(child<QListWidget>(&w, "checksList")->count(), 6);
    if (shots)
        shot(&w, QStringLiteral("5-preflight"));
}

// Drops a file on the Image page's drop zone, as a file manager would.
void WizardTestCase::dropFile(QWidget* zone, const QString& path)
{
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    const QPoint at(zone->width() / 2, 10);
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(zone, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(zone, &drop);
    QVERIFY(drop.isAccepted());
}

// Killed (SIGKILL) while stop.sh runs, as a crashed laptop would leave a run.
void WizardTestCase::interruptAnUpgrade(const QString& version, Crashing what)
{
    m_sim->setFault(QStringLiteral("prod"), QStringLiteral("stop"), QStringLiteral("slow 4"));
    auto clearFault = qScopeGuard(
        [this] { m_sim->setFault(QStringLiteral("prod"), QStringLiteral("stop"), QString()); });
    QProcess process;
    if (what == Crashing::Cli) {
        process.start(
            qEnvironmentVariable("MYST_CLI", QStringLiteral(MYST_BINARY_DIR "/app/myst-upgrade")),
            {QStringLiteral("upgrade"), QStringLiteral("--site"), m_sim->siteFile(),
             QStringLiteral("--approach"), QStringLiteral("in-place"), QStringLiteral("--version"),
             version, QStringLiteral("--yes"), QStringLiteral("--json")});
    } else { // this test program again, as operatorsWizardUntilKilled
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QString::fromLatin1(kWizardToKill), version);
        env.insert(QString::fromLatin1(kWizardSite), m_sim->siteFile());
        process.setProcessEnvironment(env);
        process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        process.start(QCoreApplication::applicationFilePath(),
                      {QStringLiteral("operatorsWizardUntilKilled")});
    }
    QVERIFY(process.waitForStarted());
    QByteArray seen;
    const QByteArray running = what == Crashing::Cli ? QByteArrayLiteral("stop: working slowly")
                                                     : QByteArrayLiteral("stop.sh is running");
    QTRY_VERIFY_WITH_TIMEOUT((seen += process.readAllStandardOutput()).contains(running) ||
                                 process.state() == QProcess::NotRunning,
                             90000);
    QVERIFY2(seen.contains(running), seen.constData());
    process.kill();
    QVERIFY(process.waitForFinished());
    QCOMPARE(process.exitStatus(), QProcess::CrashExit);
}

// Start page → Roll back… → confirm: two clicks, nothing typed; then the rollback runs.
void WizardTestCase::rollBackTheInterruptedRun(UpgradeWizard& w)
{
    click(child<QPushButton>(&w, "rollbackInterruptedButton"));
    QMessageBox* dialog = nullptr;
    QTRY_VERIFY((dialog = w.findChild<QMessageBox*>(QStringLiteral("rollbackDialog"))) &&
                dialog->isVisible());
    QVERIFY(dialog->text().contains(QStringLiteral("will be lost")));
    click(dialog->findChild<QPushButton*>(QStringLiteral("confirmRollbackButton")));
    QTRY_COMPARE(w.currentId(), int(UpgradeWizard::RunId));
    QTRY_VERIFY_WITH_TIMEOUT(w.button(QWizard::NextButton)->isEnabled(), 90000);
    QVERIFY2(
        child<QLabel>(&w, "runStatusLabel")->text().contains(QStringLiteral("Rollback complete")),
        qPrintable(child<QLabel>(&w, "runStatusLabel")->text()));
    // Its own outage, from the restore; not called "stop to verified" as an upgrade's is.
    QVERIFY2(
        child<QLabel>(&w, "outageLabel")->text().contains(QStringLiteral("restore to verified")),
        qPrintable(child<QLabel>(&w, "outageLabel")->text()));
}

// Stores (or, with an empty secret, removes) a keychain entry and waits for it.
bool WizardTestCase::keychain(const QString& key, const QString& secret)
{
    bool done = false, ok = false;
    QObject context;
    const Credentials::Callback callback = [&](const KeychainResult& r) {
        ok = r.ok;
        done = true;
    };
    if (secret.isEmpty())
        Credentials::remove(key, &context, callback);
    else
        Credentials::store(key, secret, &context, callback);
    return QTest::qWaitFor([&] { return done; }, 10000) && ok;
}

// The rollback of the run that went to `version`, chosen on the Start page.
void WizardTestCase::chooseRollbackOf(UpgradeWizard& w, const QString& version)
{
    click(child<QRadioButton>(&w, "rollbackRadio"));
    auto* runs = child<QTreeWidget>(&w, "runsTree");
    for (int i = 0; i < runs->topLevelItemCount(); ++i) {
        if (runs->topLevelItem(i)->text(2).endsWith(QStringLiteral("→ ") + version))
            runs->setCurrentItem(runs->topLevelItem(i));
    }
    QVERIFY(runs->currentItem()->text(2).endsWith(QStringLiteral("→ ") + version));
    click(w.button(QWizard::NextButton));
    QCOMPARE(w.currentId(), int(UpgradeWizard::RunId));
}

// Rolls back that run with a host whose passphrase nobody gave: up to the dialog asking.
void WizardTestCase::rollbackUntilAsked(UpgradeWizard& w, const QString& version,
                                        QInputDialog** dialog)
{
    chooseRollbackOf(w, version);
    QTRY_VERIFY((*dialog = w.findChild<QInputDialog*>(QStringLiteral("secretDialog"))) &&
                (*dialog)->isVisible());
}
