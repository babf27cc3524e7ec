#include "FakeHost.h"

#include "core/plan/Plan.h"
#include "core/run/Runner.h"
#include "core/session/RunSession.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace myst;

// The zero-downtime step kinds in the Runner, against scripted hosts (tests/common/FakeHost):
// the read-only window and that read-only mode is always turned off again (a failed step after
// it, a cancel, a resume after a crash), and the hosts' active record. End to end (sshd,
// docker exec, mysql) in tests/integration/test_cli_bluegreen.py.
class TestBlueGreenRunner : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    Site m_site;

    struct Outcome
    {
        RunResult result;
        qint64 outageMs = -1;
    };

    Outcome run(const Plan& plan, FakeHost& blue, FakeHost& green, const Journal& journal,
                Runner::Mode mode = Runner::Mode::Fresh,
                const std::function<void(Runner&)>& whileRunning = {})
    {
        Outcome out;
        Runner runner(m_site, plan, journal, nullptr, mode);
        runner.setHostSessionFactory(fakeHosts({{1, &blue}, {2, &green}}));
        runner.setAutoApproveGates(true);
        connect(&runner, &Runner::outageEnded, this,
                [&](const QString&, qint64 ms) { out.outageMs = ms; });
        QSignalSpy finished(&runner, &Runner::finished);
        runner.start();
        if (whileRunning)
            whileRunning(runner);
        if (finished.isEmpty())
            finished.wait(20000);
        if (!finished.isEmpty())
            out.result = finished.first().first().value<RunResult>();
        return out;
    }

    static void healthy(FakeHost& host)
    {
        host.scripts[QStringLiteral("backup-database.sh")].out = {
            QStringLiteral("Backed up to /u01/myst-studio/backup/b-%1.sql").arg(host.id())};
        host.scripts[QStringLiteral("output-logs.sh")].out = {
            QStringLiteral("INFO [main] MyST Studio started")};
    }

    Plan plan() const { return zeroDowntimePlan(m_site, QStringLiteral("blue"), "2.0.0"); }

private slots:
    void initTestCase()
    {
        registerRunnerMetaTypes();
        qputenv("XDG_STATE_HOME", m_dir.path().toUtf8());
        const auto host = [](int port) {
            return QJsonObject{{QStringLiteral("host"), QStringLiteral("myst.example")},
                               {QStringLiteral("port"), port},
                               {QStringLiteral("user"), QStringLiteral("oracle")},
                               {QStringLiteral("auth"), QStringLiteral("agent")},
                               {QStringLiteral("mystHome"), QStringLiteral("/u01/myst-studio")}};
        };
        const QJsonObject json{
            {QStringLiteral("knownHosts"), QStringLiteral("/dev/null")},
            {QStringLiteral("hosts"),
             QJsonObject{{QStringLiteral("blue"), host(1)}, {QStringLiteral("green"), host(2)}}},
            {QStringLiteral("blueGreen"),
             QJsonObject{
                 {QStringLiteral("active"), QStringLiteral("blue")},
                 {QStringLiteral("switch"), QJsonObject{{QStringLiteral("command"),
                                                         QJsonArray{QStringLiteral("/bin/true"),
                                                                    QStringLiteral("{role}")}}}}}}};
        QStringList errors;
        const QString path = m_dir.filePath(QStringLiteral("site.json"));
        m_site = Site::fromJson(json, path, &errors);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
        QString error;
        QVERIFY(m_site.save(path, &error));
    }

    void aSuccessfulRunSwitchesAndRecordsGreenEverywhere()
    {
        FakeHost blue(QStringLiteral("blue")), green(QStringLiteral("green"));
        healthy(blue);
        healthy(green);
        const Outcome o = run(plan(), blue, green, RunSession::newJournal(plan()));
        QVERIFY2(o.result.ok, qPrintable(o.result.message));
        QVERIFY(!blue.readOnly);
        QCOMPARE(blue.active, QStringLiteral("green"));
        QCOMPARE(green.active, QStringLiteral("green"));
        QVERIFY(o.outageMs >= 0); // the read-only window
        QVERIFY(o.result.message.contains(QStringLiteral("Read-only window on blue")));
        QVERIFY(!green.started.contains(QStringLiteral("stop.sh"))); // nothing stopped by hand
        // The site file now says green; put it back for the next case.
        m_site.blueGreen.active = QStringLiteral("green");
        QStringList errors;
        QCOMPARE(Site::load(m_site.path, &errors).blueGreen.active, QStringLiteral("green"));
        m_site.blueGreen.active = QStringLiteral("blue");
        QString error;
        QVERIFY(m_site.save(m_site.path, &error));
    }

    void aWriteThatStillGoesThroughFailsReadOnlyOn()
    {
        // read_only = 1, but root's probed write is accepted: the window would not hold (the
        // one-shot FLUSH TABLES WITH READ LOCK of a mysql -e ends with its client).
        FakeHost blue(QStringLiteral("blue")), green(QStringLiteral("green"));
        healthy(blue);
        healthy(green);
        blue.readOnlyLeaks = true;
        const Outcome o = run(plan(), blue, green, RunSession::newJournal(plan()));
        QVERIFY(!o.result.ok);
        QVERIFY2(o.result.message.contains(QStringLiteral("still accepts writes as root")),
                 qPrintable(o.result.message));
        QVERIFY(!blue.readOnly);
        QVERIFY(!green.started.contains(QStringLiteral("update-database.sh")));
        QVERIFY(blue.active.isEmpty() && green.active.isEmpty());
    }

    void aWindowThatEndedByItselfStopsTheRunBeforeTheSwitch()
    {
        // The holder let go after readOnlyMaxSeconds (or lost its lock) before the run ended
        // the window: writes since are not in green's copy, so no switch.
        for (const QString& how : {QStringLiteral("expired"), QStringLiteral("lost")}) {
            FakeHost blue(QStringLiteral("blue")), green(QStringLiteral("green"));
            healthy(blue);
            healthy(green);
            blue.readOnlyEnded = how;
            const Outcome o = run(plan(), blue, green, RunSession::newJournal(plan()));
            QVERIFY(!o.result.ok);
            QVERIFY2(o.result.message.contains(how == QLatin1String("expired")
                                                   ? QStringLiteral("ended by itself after 900 s")
                                                   : QStringLiteral("lost its read lock")),
                     qPrintable(o.result.message));
            QVERIFY(o.result.message.contains(QStringLiteral("not in green's copy")));
            QVERIFY(!blue.readOnly);
            QVERIFY(blue.active.isEmpty() && green.active.isEmpty()); // no switch recorded
        }
    }

    void readOnlyMaxSecondsReachesTheHolder()
    {
        const auto onArgv = [](const Site& site) {
            const Plan p = zeroDowntimePlan(site, QStringLiteral("blue"), "2.0.0");
            for (const Step& s : p.steps)
                if (s.kind == StepKind::ReadOnly && s.startsOutage)
                    return s.argv;
            return QStringList();
        };
        QCOMPARE(onArgv(m_site).last(), QStringLiteral("900")); // the default
        Site site = m_site;
        site.blueGreen.readOnlyMaxSeconds = 42;
        QCOMPARE(onArgv(site).last(), QStringLiteral("42"));
        QStringList errors;
        BlueGreen::fromJson(QJsonObject{{QStringLiteral("readOnlyMaxSeconds"), 0}}, &errors);
        QCOMPARE(errors.size(), 1);
        errors.clear();
        const BlueGreen bg =
            BlueGreen::fromJson(QJsonObject{{QStringLiteral("readOnlyMaxSeconds"), 60}}, &errors);
        QVERIFY(errors.isEmpty());
        QCOMPARE(bg.readOnlyMaxSeconds, 60);
    }

    void aFailureAfterReadOnlyTurnsItOff()
    {
        FakeHost blue(QStringLiteral("blue")), green(QStringLiteral("green"));
        healthy(blue);
        healthy(green);
        green.scripts[QStringLiteral("update-database.sh")].exitStatus = 1;
        const Outcome o = run(plan(), blue, green, RunSession::newJournal(plan()));
        QVERIFY(!o.result.ok);
        QVERIFY(!blue.readOnly);
        QVERIFY2(o.result.message.contains(QStringLiteral("read-only mode is off again")),
                 qPrintable(o.result.message));
        QVERIFY(o.result.message.contains(QStringLiteral("blue still serves")));
        QVERIFY(blue.active.isEmpty() && green.active.isEmpty()); // nothing recorded
        QVERIFY(o.outageMs >= 0);
    }

    void aCancelDuringTheBackupTurnsItOff()
    {
        FakeHost blue(QStringLiteral("blue")), green(QStringLiteral("green"));
        healthy(blue);
        healthy(green);
        blue.scripts[QStringLiteral("backup-database.sh")].waitForCancel = true;
        const Outcome o = run(plan(), blue, green, RunSession::newJournal(plan()),
                              Runner::Mode::Fresh, [&](Runner& runner) {
                                  QTRY_VERIFY_WITH_TIMEOUT(blue.readOnly, 10000);
                                  runner.cancel();
                              });
        QVERIFY(o.result.cancelled);
        QVERIFY(!blue.readOnly);
    }

    // A cancel that lands between two steps (here right after read-only mode went on) stops
    // before the next step, names that step as not started, and still turns read-only off.
    void aCancelBetweenStepsNamesTheStepThatDidNotStart()
    {
        FakeHost blue(QStringLiteral("blue")), green(QStringLiteral("green"));
        healthy(blue);
        healthy(green);
        const Plan p = plan();
        int on = -1;
        for (int i = 0; i < p.steps.size(); ++i)
            if (p.steps.at(i).id == QLatin1String("read-only-on"))
                on = i;
        QVERIFY(on >= 0 && on + 1 < p.steps.size());
        Runner runner(m_site, p, RunSession::newJournal(p), nullptr, Runner::Mode::Fresh);
        runner.setHostSessionFactory(fakeHosts({{1, &blue}, {2, &green}}));
        runner.setAutoApproveGates(true);
        // Direct: in the run's own thread, before it looks at the next step.
        connect(
            &runner, &Runner::stepFinished, this,
            [&](int index, const StepRecord&) {
                if (index == on)
                    runner.cancel();
            },
            Qt::DirectConnection);
        QSignalSpy finished(&runner, &Runner::finished);
        runner.start();
        QVERIFY(finished.wait(20000));
        const RunResult r = finished.first().first().value<RunResult>();
        QVERIFY(r.cancelled);
        QVERIFY(!r.ok);
        QVERIFY2(r.message.startsWith(QStringLiteral("Cancelled before step \"%1\" on blue.")
                                          .arg(p.steps.at(on + 1).title)),
                 qPrintable(r.message));
        QVERIFY(!blue.readOnly);
    }

    // The laptop died while blue was read-only: the resumed run turns it off before it does
    // anything else.
    void aResumeTurnsItOffFirst()
    {
        FakeHost blue(QStringLiteral("blue")), green(QStringLiteral("green"));
        healthy(blue);
        healthy(green);
        blue.readOnly = true;
        const Plan p = plan();
        Journal crashed = RunSession::newJournal(p);
        crashed.plan = planToJson(p);
        crashed.kind = p.kind;
        crashed.approach = p.approach;
        crashed.targetVersion = p.targetVersion;
        crashed.sitePath = m_site.path;
        int on = -1;
        for (int i = 0; i < p.steps.size(); ++i) {
            StepRecord r;
            r.id = p.steps.at(i).id;
            r.role = p.steps.at(i).role;
            r.logFile = m_dir.filePath(QStringLiteral("%1.log").arg(i));
            if (p.steps.at(i).id == QLatin1String("read-only-on"))
                on = i;
            const bool done = on < 0 || i == on;
            r.status = done ? StepStatus::Succeeded : StepStatus::Pending;
            r.started = done ? QDateTime::currentDateTimeUtc().addSecs(-5) : QDateTime();
            crashed.steps << r;
        }
        crashed.records[QStringLiteral("green")].backupPath =
            QStringLiteral("/u01/myst-studio/backup/b-green.sql");
        crashed.records[QStringLiteral("green")].previousImageId = green.taggedImage;
        const Outcome o = run(p, blue, green, crashed, Runner::Mode::Resume);
        QVERIFY2(o.result.ok, qPrintable(o.result.message));
        // The first command on blue after connecting and locking is the off command.
        int offAt = -1, backupAt = -1;
        for (int i = 0; i < blue.commands.size(); ++i) {
            if (offAt < 0 && blue.commands.at(i).contains(QLatin1String("read_only = OFF")))
                offAt = i;
            if (backupAt < 0 && blue.commands.at(i).contains(QLatin1String("backup-database")))
                backupAt = i;
        }
        QVERIFY(offAt >= 0);
        QVERIFY(offAt < backupAt);
        QVERIFY(!blue.readOnly);
        QVERIFY(o.outageMs >= 5000); // from the read-only-on before the crash
    }
};

QTEST_MAIN(TestBlueGreenRunner)
#include "TestBlueGreenRunner.moc"
