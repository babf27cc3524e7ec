#include "HostSim.h"
#include "TestConfig.h"
#include "core/site/Credentials.h"
#include "ui/widgets/LogPane.h"
#include "ui/widgets/LogView.h"
#include "ui/wizard/UpgradeWizard.h"

#include <cstdio>
#include <functional>

#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QFrame>
#include <QInputDialog>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QScreen>
#include <QScrollBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTreeWidget>

using namespace myst;

// Drives the wizard as an operator would, against a simulated MyST host (real sshd), and saves
// a picture of every page to build/artifacts/gui/.
// Changes the site file for one test and puts it back as it was afterwards.
class SiteFileEdit
{
public:
    SiteFileEdit(const QString& path, const std::function<void(QJsonObject&)>& change)
        : m_path(path), m_original(HostSim::readFile(path))
    {
        QJsonObject site = QJsonDocument::fromJson(m_original).object();
        change(site);
        write(QJsonDocument(site).toJson());
    }
    ~SiteFileEdit() { write(m_original); }

private:
    void write(const QByteArray& bytes) const
    {
        QFile file(m_path);
        if (file.open(QIODevice::WriteOnly))
            file.write(bytes);
    }
    QString m_path;
    QByteArray m_original;
};

// Set in the environment of a TestWizard that interruptAnUpgrade starts, and kills, as the
// operator's own wizard: the version to upgrade to, and the site file.
static const char kWizardToKill[] = "MYST_TEST_WIZARD_TO_KILL";
static const char kWizardSite[] = "MYST_TEST_WIZARD_SITE";

// What crashes in interruptAnUpgrade: the CLI, or the operator's wizard itself.
enum class Crashing
{
    Cli,
    Wizard
};

class TestWizard : public QObject
{
    Q_OBJECT
    HostSim* m_sim = nullptr;
    QTemporaryDir m_state;
    QString m_shots;

    void shot(QWidget* w, const QString& name)
    {
        QTest::qWait(200); // let batched log lines (50 ms) land, as a person would see them
        w->grab().save(m_shots + QLatin1Char('/') + name + QStringLiteral(".png"));
        if (QGuiApplication::platformName() ==
            QLatin1String("xcb")) // under xvfb-run: the real screen
            w->screen()->grabWindow(0).save(m_shots + QStringLiteral("/screen-") + name +
                                            QStringLiteral(".png"));
    }

    static void click(QAbstractButton* button)
    {
        QVERIFY(button);
        QVERIFY(button->isEnabled());
        // Near the left edge: a radio button only takes clicks on its indicator and label,
        // which a full-width button's centre may miss.
        QTest::mouseClick(button, Qt::LeftButton, {},
                          QPoint(qMin(12, button->width() / 2), button->height() / 2));
    }

    template <typename T> static T* child(QWidget* w, const char* name)
    {
        T* found = w->findChild<T*>(QLatin1String(name));
        if (!found)
            qWarning("no %s", name);
        return found;
    }

    static QString consoleOf(const HostSim& sim, const QString& role)
    {
        const QString url = sim.host(role).value(QStringLiteral("consoleUrl")).toString();
        const QString page = HostSim::sh(QStringLiteral("curl -s %1").arg(url));
        const QString marker = QStringLiteral("class=\"version\">MyST Studio ");
        const int at = page.indexOf(marker);
        return at < 0 ? QString() : page.mid(at + marker.size()).section(QLatin1Char('<'), 0, 0);
    }
    QString console() const { return consoleOf(*m_sim, QStringLiteral("prod")); }

    // The production host's group box: with phased there are two forms with the same fields.
    static QWidget* prodForm(QWidget* w)
    {
        return w->findChild<QWidget*>(QStringLiteral("prodHostForm"));
    }

    // Start → Approach → Hosts → Image → Pre-flight → Run, ready to click "Start upgrade".
    void walkToPreflight(UpgradeWizard& w, const QString& version, bool shots)
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
        QCOMPARE(child<QLineEdit>(prodForm(&w), "hostLineEdit")->text(),
                 QStringLiteral("127.0.0.1"));
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

private slots:
    void initTestCase()
    {
        if (!qEnvironmentVariableIsEmpty(kWizardToKill))
            return; // the wizard that interruptAnUpgrade kills: its parent has the host
        qputenv("XDG_STATE_HOME", m_state.path().toUtf8());
        m_shots = QStringLiteral(MYST_BINARY_DIR "/artifacts/gui");
        QDir().mkpath(m_shots);
        m_sim = new HostSim();
        QVERIFY2(m_sim->isUp(), qPrintable(m_sim->error()));
    }
    void cleanupTestCase() { delete m_sim; }

    void upgradeThroughTheWizard()
    {
        UpgradeWizard w(m_sim->siteFile());
        w.show();
        walkToPreflight(w, QStringLiteral("2.0.0"), true);
        click(w.button(QWizard::CommitButton));
        QCOMPARE(w.currentId(), int(UpgradeWizard::RunId));
        QVERIFY(
            !w.button(QWizard::CancelButton)->isEnabled()); // the run cannot be closed under way
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
        QVERIFY(
            child<QLabel>(&w, "outageLabel")->text().contains(QStringLiteral("stop to verified")));
        auto* log = child<LogView>(&w, "logView");
        QTRY_VERIFY(
            log->lineCount() > 0 &&
            log->line(log->lineCount() - 1).text.contains(QStringLiteral("console shows 2.0.0")));
        QTRY_COMPARE(log->verticalScrollBar()->value(),
                     log->verticalScrollBar()->maximum()); // followed to the end
        QVERIFY(child<QLabel>(&w, "runStatusLabel")
                    ->text()
                    .contains(QStringLiteral("Upgrade complete")));
        shot(&w, QStringLiteral("6-run"));
        click(w.button(QWizard::NextButton));
        QCOMPARE(w.currentId(), int(UpgradeWizard::SummaryId));
        QVERIFY(child<QLabel>(&w, "outcomeLabel")
                    ->text()
                    .contains(QStringLiteral("MyST Studio 2.0.0 is running")));
        QVERIFY(
            child<QTextBrowser>(&w, "reportBrowser")
                ->toPlainText()
                .contains(m_sim->mystHome(QStringLiteral("prod")) + QStringLiteral("/backup/")));
        shot(&w, QStringLiteral("7-summary"));
        QCOMPARE(console(), QStringLiteral("2.0.0"));
        QCOMPARE(m_sim->schemaVersion(QStringLiteral("prod")), QStringLiteral("2.0.0"));
    }

    void rollbackFromTheStartPage()
    {
        const QString before =
            HostSim::sh(QStringLiteral("MYST_HOME='%1' '%1/../fakebin/docker' image inspect "
                                       "registry.example.com/myst-studio:1.0.0 --format '{{.Id}}'")
                            .arg(m_sim->mystHome(QStringLiteral("prod"))))
                .trimmed();
        UpgradeWizard w(m_sim->siteFile());
        w.show();
        auto* runs = child<QTreeWidget>(&w, "runsTree");
        QVERIFY(runs->topLevelItemCount() >= 1);
        click(child<QRadioButton>(&w, "rollbackRadio"));
        QVERIFY(runs->currentItem());
        shot(&w, QStringLiteral("8-start-rollback"));
        click(w.button(QWizard::NextButton));
        QCOMPARE(w.currentId(), int(UpgradeWizard::RunId));
        QTRY_VERIFY_WITH_TIMEOUT(w.button(QWizard::NextButton)->isEnabled(), 90000);
        QVERIFY2(child<QLabel>(&w, "runStatusLabel")
                     ->text()
                     .contains(QStringLiteral("Rollback complete")),
                 qPrintable(child<QLabel>(&w, "runStatusLabel")->text()));
        shot(&w, QStringLiteral("9-rollback-run"));
        QCOMPARE(m_sim->taggedImageId(QStringLiteral("prod")), before);
        QCOMPARE(console(), QStringLiteral("1.0.0"));
    }

    void rollbackButtonAfterAFailedStart()
    {
        const QString dumpBefore = m_sim->databaseDump(QStringLiteral("prod"));
        m_sim->setFault(QStringLiteral("prod"), QStringLiteral("start"), QStringLiteral("fail"));
        UpgradeWizard w(m_sim->siteFile());
        w.show();
        walkToPreflight(w, QStringLiteral("2.5.0"), false);
        click(w.button(QWizard::CommitButton));
        QTRY_VERIFY_WITH_TIMEOUT(
            child<QLabel>(&w, "runStatusLabel")->text().contains(QStringLiteral("failed")), 90000);
        m_sim->setFault(QStringLiteral("prod"), QStringLiteral("start"), QString());
        QVERIFY(child<QLabel>(&w, "runStatusLabel")
                    ->text()
                    .contains(QStringLiteral("Rollback is available")));
        click(child<QPushButton>(&w, "rollbackButton"));
        QMessageBox* dialog = nullptr;
        QTRY_VERIFY((dialog = w.findChild<QMessageBox*>(QStringLiteral("rollbackDialog"))) &&
                    dialog->isVisible());
        QVERIFY(dialog->text().contains(QStringLiteral("will be lost")));
        shot(dialog, QStringLiteral("10-rollback-confirm"));
        click(dialog->findChild<QPushButton*>(QStringLiteral("confirmRollbackButton")));
        QTRY_VERIFY_WITH_TIMEOUT(child<QLabel>(&w, "runStatusLabel")
                                     ->text()
                                     .contains(QStringLiteral("Rollback complete")),
                                 90000);
        QTRY_VERIFY(w.button(QWizard::NextButton)->isEnabled());
        shot(&w, QStringLiteral("11-run-after-rollback"));
        QCOMPARE(console(), QStringLiteral("1.0.0"));
        QCOMPARE(m_sim->databaseDump(QStringLiteral("prod")), dumpBefore);
    }

    void unknownHostKeyRejectedThenTrusted()
    {
        // A site whose known_hosts file does not know the host.
        QTemporaryDir dir;
        const QString known = dir.filePath(QStringLiteral("known_hosts"));
        QFile::copy(m_sim->siteFile(), dir.filePath(QStringLiteral("site.json")));
        HostSim::sh(
            QStringLiteral("sed -i 's#\"knownHosts\": \"[^\"]*\"#\"knownHosts\": \"%1\"#' '%2'")
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

    void phasedUpgradeStopsAtTheGate()
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
                                     !child<QPushButton>(&w, "rerunChecksButton")->isEnabled() ==
                                         false,
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
        shot(&w, QStringLiteral("6b-gate"));
        click(child<QPushButton>(&w, "gateContinueButton"));
        QTRY_VERIFY_WITH_TIMEOUT(w.button(QWizard::NextButton)->isEnabled(), 120000);
        QVERIFY2(child<QLabel>(&w, "runStatusLabel")
                     ->text()
                     .contains(QStringLiteral("Upgrade complete")),
                 qPrintable(child<QLabel>(&w, "runStatusLabel")->text()));
        QCOMPARE(consoleOf(sim, QStringLiteral("prod")), QStringLiteral("2.0.0"));
        shot(&w, QStringLiteral("6c-phased-run"));
    }

    // Drops a file on the Image page's drop zone, as a file manager would.
    static void dropFile(QWidget* zone, const QString& path)
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

    void offlineImageDroppedThenUploaded()
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
            details->text().contains(QStringLiteral("registry.example.com/myst-studio:2.1.0")),
            10000);
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
        QTRY_VERIFY_WITH_TIMEOUT(label->text().startsWith(QStringLiteral("Uploaded to prod")),
                                 60000);
        QCOMPARE(bar->value(), bar->maximum());
        QTRY_VERIFY_WITH_TIMEOUT(w.button(QWizard::NextButton)->isEnabled(), 90000);
        shot(&w, QStringLiteral("6d-run-offline"));
        QVERIFY2(child<QLabel>(&w, "runStatusLabel")
                     ->text()
                     .contains(QStringLiteral("Upgrade complete")),
                 qPrintable(child<QLabel>(&w, "runStatusLabel")->text()));
        QCOMPARE(sim.taggedImageId(QStringLiteral("prod")), imageId);
        QCOMPARE(consoleOf(sim, QStringLiteral("prod")), QStringLiteral("2.1.0"));
    }

    // Killed (SIGKILL) while stop.sh runs, as a crashed laptop would leave a run.
    void interruptAnUpgrade(const QString& version, Crashing what = Crashing::Cli)
    {
        m_sim->setFault(QStringLiteral("prod"), QStringLiteral("stop"), QStringLiteral("slow 4"));
        auto clearFault = qScopeGuard(
            [this] { m_sim->setFault(QStringLiteral("prod"), QStringLiteral("stop"), QString()); });
        QProcess process;
        if (what == Crashing::Cli) {
            process.start(qEnvironmentVariable("MYST_CLI",
                                               QStringLiteral(MYST_BINARY_DIR "/app/myst-upgrade")),
                          {QStringLiteral("upgrade"), QStringLiteral("--site"), m_sim->siteFile(),
                           QStringLiteral("--approach"), QStringLiteral("in-place"),
                           QStringLiteral("--version"), version, QStringLiteral("--yes"),
                           QStringLiteral("--json")});
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
    void rollBackTheInterruptedRun(UpgradeWizard& w)
    {
        click(child<QPushButton>(&w, "rollbackInterruptedButton"));
        QMessageBox* dialog = nullptr;
        QTRY_VERIFY((dialog = w.findChild<QMessageBox*>(QStringLiteral("rollbackDialog"))) &&
                    dialog->isVisible());
        QVERIFY(dialog->text().contains(QStringLiteral("will be lost")));
        click(dialog->findChild<QPushButton*>(QStringLiteral("confirmRollbackButton")));
        QTRY_COMPARE(w.currentId(), int(UpgradeWizard::RunId));
        QTRY_VERIFY_WITH_TIMEOUT(w.button(QWizard::NextButton)->isEnabled(), 90000);
        QVERIFY2(child<QLabel>(&w, "runStatusLabel")
                     ->text()
                     .contains(QStringLiteral("Rollback complete")),
                 qPrintable(child<QLabel>(&w, "runStatusLabel")->text()));
        // Its own outage, from the restore; not called "stop to verified" as an upgrade's is.
        QVERIFY2(child<QLabel>(&w, "outageLabel")
                     ->text()
                     .contains(QStringLiteral("restore to verified")),
                 qPrintable(child<QLabel>(&w, "outageLabel")->text()));
    }

    void interruptedRunIsOfferedFirstAndContinued()
    {
        interruptAnUpgrade(QStringLiteral("3.1.0"));
        QElapsedTimer sinceCrash;
        sinceCrash.start();
        UpgradeWizard w(m_sim->siteFile());
        w.show();
        QTest::qWait(1500); // the operator reads the panel
        auto* panel = child<QFrame>(&w, "interruptedPanel");
        QVERIFY(panel->isVisible());
        QVERIFY(panel->findChild<QLabel*>()->text().contains(QStringLiteral("did not finish")));
        QVERIFY(panel->findChild<QLabel*>()->text().contains(QStringLiteral("Stop MyST Studio")));
        shot(&w, QStringLiteral("0-start-interrupted"));
        click(child<QPushButton>(&w, "continueRunButton")); // one click, nothing typed
        QCOMPARE(w.currentId(), int(UpgradeWizard::RunId));
        // The Rollback button is there from the start: the backup was recorded before the crash.
        QVERIFY(child<QPushButton>(&w, "rollbackButton")->isEnabled());
        // The outage began before the crash (stop.sh was running): the figure counts from
        // then, not from the restart.
        static const QRegularExpression down(QStringLiteral("is down: ([0-9.]+) s"));
        QRegularExpressionMatch m;
        QTRY_VERIFY_WITH_TIMEOUT(
            (m = down.match(child<QLabel>(&w, "outageLabel")->text())).hasMatch(), 10000);
        QVERIFY2(m.captured(1).toDouble() * 1000 >= sinceCrash.elapsed() - 200,
                 qPrintable(m.captured(0)));
        QTRY_VERIFY_WITH_TIMEOUT(w.button(QWizard::NextButton)->isEnabled(), 90000);
        QVERIFY2(child<QLabel>(&w, "runStatusLabel")
                     ->text()
                     .contains(QStringLiteral("Upgrade complete")),
                 qPrintable(child<QLabel>(&w, "runStatusLabel")->text()));
        shot(&w, QStringLiteral("0b-run-continued"));
        QCOMPARE(console(), QStringLiteral("3.1.0"));
        auto* log = child<LogView>(&w, "logView");
        int slowLines = 0;
        for (int i = 0; i < log->lineCount(); ++i)
            slowLines += log->line(i).text == QStringLiteral("stop: done working slowly");
        QCOMPARE(slowLines, 1); // the end of the step that ran while nobody watched
    }

    void interruptedRunIsRolledBackInTwoClicks_data()
    {
        QTest::addColumn<bool>("wizardCrashes"); // else the CLI
        QTest::addColumn<QString>("version");
        QTest::newRow("the CLI killed") << false << QStringLiteral("3.2.0");
        QTest::newRow("the wizard killed") << true << QStringLiteral("3.3.0");
    }

    void interruptedRunIsRolledBackInTwoClicks()
    {
        QFETCH(bool, wizardCrashes);
        QFETCH(QString, version);
        const QString before = console();
        interruptAnUpgrade(version, wizardCrashes ? Crashing::Wizard : Crashing::Cli);
        UpgradeWizard w(m_sim->siteFile());
        w.show();
        auto* panel = child<QFrame>(&w, "interruptedPanel");
        QVERIFY(panel->isVisible());
        QVERIFY(panel->findChild<QLabel*>()->text().contains(version));
        rollBackTheInterruptedRun(w);
        shot(&w, QStringLiteral("0c-interrupted-rolled-back"));
        QCOMPARE(console(), before);
        QCOMPARE(m_sim->schemaVersion(QStringLiteral("prod")), before);
        UpgradeWizard again(m_sim->siteFile()); // the rolled-back run is not offered again
        again.show();
        QVERIFY(!child<QFrame>(&again, "interruptedPanel")->isVisible());
    }

    // The operator's wizard in a process of its own, which interruptAnUpgrade kills mid-step.
    // Runs only as that child (TestWizard starts itself with kWizardToKill set to a version).
    void operatorsWizardUntilKilled()
    {
        const QString version = qEnvironmentVariable(kWizardToKill);
        if (version.isEmpty())
            QSKIP("runs as the wizard that interruptedRunIsRolledBackInTwoClicks kills");
        UpgradeWizard w(qEnvironmentVariable(kWizardSite));
        w.show();
        walkToPreflight(w, version, false);
        click(w.button(QWizard::CommitButton));
        QTRY_VERIFY_WITH_TIMEOUT(child<LogView>(&w, "logView")
                                     ->toPlainText()
                                     .contains(QStringLiteral("stop: working slowly")),
                                 60000);
        std::fputs("stop.sh is running\n", stdout);
        std::fflush(stdout);
        QTest::qWait(120000); // killed long before this
        QFAIL("the parent did not kill the wizard");
    }

    // A lock left by a wizard on a computer that died: named on the Run page, broken only
    // after a warning, and the run goes on.
    void staleLockIsBrokenFromTheRunPage()
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
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("locked by another")),
                                 60000);
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
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("Upgrade complete")),
                                 90000);
        QTRY_VERIFY(w.button(QWizard::NextButton)->isEnabled());
        QVERIFY(child<LogView>(&w, "logView")
                    ->toPlainText()
                    .contains(QStringLiteral("Broke the lock")));
        QVERIFY(!breakLock->isVisible());
        shot(&w, QStringLiteral("14-run-after-lock-broken"));
        QCOMPARE(console(), QStringLiteral("3.3.0"));
        QVERIFY(!QFile::exists(lock)); // released at the end of the run
    }

    // Stores (or, with an empty secret, removes) a keychain entry and waits for it.
    static bool keychain(const QString& key, const QString& secret)
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
    static void chooseRollbackOf(UpgradeWizard& w, const QString& version)
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
    static void rollbackUntilAsked(UpgradeWizard& w, const QString& version, QInputDialog** dialog)
    {
        chooseRollbackOf(w, version);
        QTRY_VERIFY((*dialog = w.findChild<QInputDialog*>(QStringLiteral("secretDialog"))) &&
                    (*dialog)->isVisible());
    }

    // Continue and Roll back on the Start page skip the Hosts page: the key's passphrase comes
    // from the keychain, or, when it holds none, from a dialog; never from nowhere.
    void secretsForRunsStartedFromTheStartPage()
    {
        const QString key = m_sim->dir() + QStringLiteral("/locked_key");
        QCOMPARE(QProcess::execute(QStringLiteral("ssh-keygen"),
                                   {QStringLiteral("-q"), QStringLiteral("-t"),
                                    QStringLiteral("ed25519"), QStringLiteral("-N"),
                                    QStringLiteral("open sesame"), QStringLiteral("-f"), key}),
                 0);
        QFile authorized(m_sim->dir() + QStringLiteral("/prod/ssh/authorized_keys"));
        QVERIFY(authorized.open(QIODevice::Append));
        authorized.write(HostSim::readFile(key + QStringLiteral(".pub")));
        authorized.close();
        SiteFileEdit edit(m_sim->siteFile(), [&](QJsonObject& site) {
            QJsonObject hosts = site.value(QStringLiteral("hosts")).toObject();
            QJsonObject prod = hosts.value(QStringLiteral("prod")).toObject();
            prod.insert(QStringLiteral("identity"), key);
            prod.insert(QStringLiteral("auth"), QStringLiteral("key"));
            hosts.insert(QStringLiteral("prod"), prod);
            site.insert(QStringLiteral("hosts"), hosts);
        });
        const QString entry = m_sim->endpoint(QStringLiteral("prod")).id();

        // In the keychain: Continue needs nothing more.
        QVERIFY(keychain(entry, QStringLiteral("open sesame")));
        interruptAnUpgrade(QStringLiteral("3.4.0")); // the CLI reads the keychain too
        {
            UpgradeWizard w(m_sim->siteFile());
            w.show();
            click(child<QPushButton>(&w, "continueRunButton"));
            QTRY_VERIFY_WITH_TIMEOUT(w.button(QWizard::NextButton)->isEnabled(), 90000);
            QVERIFY(!w.findChild<QInputDialog*>(QStringLiteral("secretDialog")));
            QVERIFY2(child<QLabel>(&w, "runStatusLabel")
                         ->text()
                         .contains(QStringLiteral("Upgrade complete")),
                     qPrintable(child<QLabel>(&w, "runStatusLabel")->text()));
            QCOMPARE(console(), QStringLiteral("3.4.0"));
        }

        // Not in the keychain: asked for; declining changes nothing.
        QVERIFY(keychain(entry, QString()));
        {
            UpgradeWizard w(m_sim->siteFile());
            w.show();
            QInputDialog* dialog = nullptr;
            rollbackUntilAsked(w, QStringLiteral("3.4.0"), &dialog);
            QVERIFY(dialog);
            QVERIFY(dialog->labelText().contains(QStringLiteral("no passphrase")));
            QCOMPARE(dialog->textEchoMode(), QLineEdit::Password);
            dialog->reject();
            QTRY_VERIFY(child<QLabel>(&w, "runStatusLabel")
                            ->text()
                            .contains(QStringLiteral("Nothing was changed")));
            QCOMPARE(console(), QStringLiteral("3.4.0"));
        }
        {
            UpgradeWizard w(m_sim->siteFile());
            w.show();
            QInputDialog* dialog = nullptr;
            rollbackUntilAsked(w, QStringLiteral("3.4.0"), &dialog);
            QVERIFY(dialog);
            shot(dialog, QStringLiteral("15-passphrase-asked"));
            dialog->setTextValue(QStringLiteral("open sesame"));
            dialog->accept();
            QTRY_VERIFY_WITH_TIMEOUT(w.button(QWizard::NextButton)->isEnabled(), 90000);
            QVERIFY2(child<QLabel>(&w, "runStatusLabel")
                         ->text()
                         .contains(QStringLiteral("Rollback complete")),
                     qPrintable(child<QLabel>(&w, "runStatusLabel")->text()));
            QCOMPARE(console(), QStringLiteral("3.3.0"));
        }
    }

    // The host is gone for longer than the run waits (reconnectSeconds): the run stops as
    // interrupted with the step going on there; one click continues it once the host is back.
    void interruptedInTheWizardThenContinuedOnThePage()
    {
        SiteFileEdit edit(m_sim->siteFile(), [](QJsonObject& site) {
            site.insert(QStringLiteral("settings"),
                        QJsonObject{{QStringLiteral("reconnectSeconds"), 2}});
        });
        m_sim->setFault(QStringLiteral("prod"), QStringLiteral("stop"), QStringLiteral("slow 6"));
        auto clearFault = qScopeGuard(
            [&] { m_sim->setFault(QStringLiteral("prod"), QStringLiteral("stop"), QString()); });
        UpgradeWizard w(m_sim->siteFile());
        w.show();
        walkToPreflight(w, QStringLiteral("3.5.0"), false);
        click(w.button(QWizard::CommitButton));
        auto* log = child<LogView>(&w, "logView");
        QTRY_VERIFY_WITH_TIMEOUT(
            log->toPlainText().contains(QStringLiteral("stop: working slowly...")), 60000);
        const QString ssh = m_sim->dir() + QStringLiteral("/prod/ssh");
        HostSim::sh(QStringLiteral("l=$(cat %1/sshd.pid); c=$(pgrep -P $l); kill -TERM $l; "
                                   "for x in $c; do pkill -KILL -P $x; kill -KILL $x; done")
                        .arg(ssh));
        auto* status = child<QLabel>(&w, "runStatusLabel");
        QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(QStringLiteral("Interrupted")), 60000);
        QVERIFY(log->toPlainText().contains(QStringLiteral("not reachable yet")));
        QVERIFY(child<QLabel>(&w, "outageLabel")->text().contains(QStringLiteral("may still be")));
        auto* resume = child<QPushButton>(&w, "resumeRunButton");
        QVERIFY(resume->isVisible());
        QVERIFY(child<QPushButton>(&w, "rollbackButton")->isEnabled()); // the backup is there
        shot(&w, QStringLiteral("16-run-interrupted"));
        int rc = -1;
        HostSim::sh(QStringLiteral("/usr/sbin/sshd -f %1/sshd_config -E %1/sshd.log").arg(ssh),
                    &rc);
        QCOMPARE(rc, 0);
        click(resume);
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("Upgrade complete")),
                                 90000);
        QVERIFY(!resume->isVisible());
        log = child<LogView>(&w, "logView"); // the page was set up anew
        // What the steps before showed is there again, once; the step that went on while the
        // host was away shows its end once.
        QCOMPARE(log->toPlainText().count(QStringLiteral("Backed up to ")), 1);
        int done = 0;
        for (int i = 0; i < log->lineCount(); ++i)
            done += log->line(i).text == QStringLiteral("stop: done working slowly");
        QCOMPARE(done, 1);
        shot(&w, QStringLiteral("17-run-continued-on-the-page"));
        QCOMPARE(console(), QStringLiteral("3.5.0"));
    }

    void logPaneRendersColoursAndKeepsTheCap()
    {
        LogPane pane(QStringLiteral("test"));
        pane.setMaximumLines(100);
        pane.resize(600, 300);
        pane.show();
        pane.appendLine(OutputStream::Stdout, QStringLiteral("\x1b[1;31mred\x1b[0m plain"));
        for (int i = 0; i < 500; ++i)
            pane.appendLine(OutputStream::Stderr, QStringLiteral("line %1").arg(i));
        QTRY_VERIFY(pane.text().contains(QStringLiteral("line 499")));
        QCOMPARE(pane.view()->lineCount(), 100);
        QCOMPARE(pane.view()->line(99).text, QStringLiteral("line 499"));
        QVERIFY(pane.isFollowing());
        // Reading further up pauses auto-scroll: new lines do not move the view.
        pane.view()->verticalScrollBar()->setValue(10);
        QVERIFY(!pane.isFollowing());
        pane.appendLine(OutputStream::Stdout, QStringLiteral("one more"));
        QTRY_COMPARE(pane.view()->line(99).text, QStringLiteral("one more"));
        QVERIFY(pane.view()->verticalScrollBar()->value() <= 10);
        // Find scrolls to the match; a whole-line selection copies.
        auto* find = pane.findChild<QLineEdit*>(QStringLiteral("findLineEdit"));
        find->setText(QStringLiteral("line 450"));
        QVERIFY(pane.findNext());
        QTest::mouseClick(pane.view()->viewport(), Qt::LeftButton, {}, QPoint(20, 2));
        QTest::keySequence(pane.view(), QKeySequence::Copy);
        QVERIFY(!QApplication::clipboard()->text().isEmpty());
        QVERIFY(pane.view()->toPlainText().contains(QApplication::clipboard()->text()));
        QVERIFY(!pane.text().contains(QChar(0x1b)));
        pane.clear();
        pane.appendLine(OutputStream::Stdout, QStringLiteral("\x1b[1;31mred\x1b[0m plain"));
        QTRY_COMPARE(pane.text(), QStringLiteral("red plain")); // codes rendered, not printed
        const LogView::Line& first = pane.view()->line(0);
        QCOMPARE(first.formats.size(), 2); // "red" in bold red, then " plain" as stdout
        QCOMPARE(first.formats.first().format.foreground().color(), QColor("#b21818"));
        QCOMPARE(first.formats.first().length, 3);
    }
};

QTEST_MAIN(TestWizard)
#include "TestWizard.moc"
