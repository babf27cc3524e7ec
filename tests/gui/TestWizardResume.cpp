#include "tests/gui/TestWizard.h"

#include "core/site/Credentials.h"
#include "ui/widgets/LogView.h"

#include <cstdio>

#include <QElapsedTimer>
#include <QFrame>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTest>

using namespace myst;

// Interrupted runs continued: from the Start page after a crash, on the Run page after the
// host was lost, and with the secrets the skipped Hosts page would have asked for.

void TestWizard::interruptedRunIsOfferedFirstAndContinued()
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
    QTRY_VERIFY_WITH_TIMEOUT((m = down.match(child<QLabel>(&w, "outageLabel")->text())).hasMatch(),
                             10000);
    QVERIFY2(m.captured(1).toDouble() * 1000 >= sinceCrash.elapsed() - 200,
             qPrintable(m.captured(0)));
    QVERIFY(!w.button(QWizard::BackButton)->isEnabled()); // a run under way is not left by Back
    shot(&w, QStringLiteral("0a-run-continued-down")); // the live outage, as the operator sees it
    QTRY_VERIFY_WITH_TIMEOUT(w.button(QWizard::NextButton)->isEnabled(), 90000);
    QVERIFY2(
        child<QLabel>(&w, "runStatusLabel")->text().contains(QStringLiteral("Upgrade complete")),
        qPrintable(child<QLabel>(&w, "runStatusLabel")->text()));
    shot(&w, QStringLiteral("0b-run-continued"));
    QCOMPARE(console(), QStringLiteral("3.1.0"));
    auto* log = child<LogView>(&w, "logView");
    int slowLines = 0;
    for (int i = 0; i < log->lineCount(); ++i)
        slowLines += log->line(i).text == QStringLiteral("stop: done working slowly");
    QCOMPARE(slowLines, 1); // the end of the step that ran while nobody watched
}

// The operator's wizard in a process of its own, which interruptAnUpgrade kills mid-step.
// Runs only as that child (TestWizard starts itself with kWizardToKill set to a version).
void TestWizard::operatorsWizardUntilKilled()
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

// Continue and Roll back on the Start page skip the Hosts page: the key's passphrase comes
// from the keychain, or, when it holds none, from a dialog; never from nowhere.
void TestWizard::secretsForRunsStartedFromTheStartPage()
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
void TestWizard::interruptedInTheWizardThenContinuedOnThePage()
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
    QTRY_VERIFY_WITH_TIMEOUT(log->toPlainText().contains(QStringLiteral("stop: working slowly...")),
                             60000);
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
    HostSim::sh(QStringLiteral("/usr/sbin/sshd -f %1/sshd_config -E %1/sshd.log").arg(ssh), &rc);
    QCOMPARE(rc, 0);
    click(resume);
    QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("Upgrade complete")), 90000);
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
