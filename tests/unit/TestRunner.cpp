#include "FakeHost.h"

#include "core/journal/RunNames.h"
#include "core/plan/Plan.h"
#include "core/run/Runner.h"
#include "core/session/FailedStep.h"
#include "core/session/RunSession.h"

#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace myst;

// The Runner's logic against scripted hosts (tests/common/FakeHost): every step kind, a failure,
// cancel, a dropped connection, a lock held by another wizard. What each does on a real host
// is tested end to end against sshd (tests/integration).
class TestRunner : public QObject
{
    Q_OBJECT

    struct Outcome
    {
        RunResult result;
        QStringList lines;
        QMap<QString, QString> captured; // "role key" → value
        int outageStarts = 0;
        qint64 outageMs = -1;
    };

    static Site site()
    {
        QStringList errors;
        const auto host = [](int port) {
            return QJsonObject{{QStringLiteral("host"), QStringLiteral("myst.example")},
                               {QStringLiteral("port"), port},
                               {QStringLiteral("user"), QStringLiteral("oracle")},
                               {QStringLiteral("auth"), QStringLiteral("agent")},
                               {QStringLiteral("mystHome"), QStringLiteral("/u01/myst-studio")}};
        };
        Site s = Site::fromJson(
            {{QStringLiteral("knownHosts"), QStringLiteral("/dev/null")},
             {QStringLiteral("hosts"), QJsonObject{{QStringLiteral("prod"), host(1)},
                                                   {QStringLiteral("nonprod"), host(2)}}}},
            QStringLiteral("/tmp/site.json"), &errors);
        s.settings.reconnectSeconds = 5;
        return s;
    }

    static void healthy(FakeHost& host)
    {
        host.scripts[QStringLiteral("backup-database.sh")].out = {
            QStringLiteral("Backed up to /u01/myst-studio/backup/b-%1.sql").arg(host.id())};
        host.scripts[QStringLiteral("output-logs.sh")].out = {
            QStringLiteral("INFO [main] MyST Studio started")};
    }

    Outcome run(const Plan& plan, const QMap<int, FakeHost*>& hosts,
                const std::function<void(Runner&)>& whileRunning = {},
                const QString& rollbackOf = {})
    {
        Outcome out;
        Runner runner(site(), plan, RunSession::newJournal(plan, rollbackOf));
        runner.setHostSessionFactory(fakeHosts(hosts));
        runner.setAutoApproveGates(true);
        connect(&runner, &Runner::output, this,
                [&](int, OutputStream, const QString& l) { out.lines << l; });
        connect(&runner, &Runner::captured, this,
                [&](const QString& r, const QString& k, const QString& v) {
                    out.captured.insert(r + QLatin1Char(' ') + k, v);
                });
        connect(&runner, &Runner::outageStarted, this, [&] { ++out.outageStarts; });
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

    static QStringList statuses(const Journal& j)
    {
        QStringList s;
        for (const StepRecord& r : j.steps)
            s << r.id + QLatin1Char('=') + stepStatusName(r.status);
        return s;
    }

private slots:
    void initTestCase() { registerRunnerMetaTypes(); }

    void inPlaceUpgradeRecordsWhatRollbackNeeds()
    {
        FakeHost prod(QStringLiteral("prod"));
        healthy(prod);
        const QString before = prod.taggedImage;
        const Plan plan =
            inPlaceUpgradePlan(site().hosts.value(QStringLiteral("prod")), QStringLiteral("2.0.0"));
        const Outcome o = run(plan, {{1, &prod}});
        QVERIFY2(o.result.ok, qPrintable(o.result.message));
        QCOMPARE(prod.started,
                 QStringList({"docker", "pull.sh", "backup-database.sh", "stop.sh", "start.sh"}));
        const HostRecord r = o.result.journal.records.value(QStringLiteral("prod"));
        QCOMPARE(r.previousImageId, before);
        QCOMPARE(r.previousVersion, QStringLiteral("1.0.0"));
        QCOMPARE(r.backupPath, QStringLiteral("/u01/myst-studio/backup/b-prod.sql"));
        QCOMPARE(r.newImageId, prod.pulledImage);
        QCOMPARE(o.captured.value(QStringLiteral("prod backupPath")), r.backupPath);
        QCOMPARE(o.outageStarts, 1);
        QVERIFY(o.outageMs >= 0);
        QCOMPARE(o.result.journal.outageMs, o.outageMs);
        QVERIFY(o.result.message.startsWith(QStringLiteral("Upgrade complete")));
    }

    // A host that restarted while start.sh ran (its boot ID changed when the run reconnected)
    // is said to have restarted, the step is not reattached, and the run fails with Retry
    // offered; a Retry runs start.sh afresh (a new detached command) and the run finishes, the
    // first attempt and the decision kept.
    void aHostRestartedMidStepIsSaidAndRetried()
    {
        FakeHost prod(QStringLiteral("prod"));
        healthy(prod);
        prod.scripts[QStringLiteral("start.sh")].drops = 1;
        prod.scripts[QStringLiteral("start.sh")].restartsHost = true;
        const Plan plan =
            inPlaceUpgradePlan(site().hosts.value(QStringLiteral("prod")), QStringLiteral("2.0.0"));
        const Outcome o = run(plan, {{1, &prod}});
        QVERIFY(!o.result.ok);
        const Journal failed = o.result.journal;
        QCOMPARE(failed.status, RunStatus::Failed);
        const StepRecord start = failed.steps.at(5);
        QCOMPARE(start.id, QStringLiteral("start"));
        QCOMPARE(start.status, StepStatus::Failed);
        QVERIFY2(start.message.contains(QLatin1String("prod restarted (boot ID changed) while "
                                                      "\"Start MyST Studio")),
                 qPrintable(start.message));
        QVERIFY2(start.message.contains(QLatin1String("Retry")), qPrintable(start.message));
        QCOMPARE(prod.started.count(QStringLiteral("start.sh")), 1); // never reattached
        QCOMPARE(failed.bootIds.value(QStringLiteral("prod")), prod.bootId);

        Journal again = failed;
        QString error;
        QVERIFY2(FailedStep::prepareRetry(again, plan, &error), qPrintable(error));
        Runner retry(site(), plan, again, nullptr, Runner::Mode::Resume);
        retry.setHostSessionFactory(fakeHosts({{1, &prod}}));
        QSignalSpy finished(&retry, &Runner::finished);
        retry.start();
        QVERIFY(finished.wait(20000));
        const RunResult done = finished.first().first().value<RunResult>();
        QVERIFY2(done.ok, qPrintable(done.message));
        QCOMPARE(prod.started.count(QStringLiteral("start.sh")), 2);
        const StepRecord retried = done.journal.steps.at(5);
        QCOMPARE(retried.attempts.size(), 1);
        QVERIFY(retried.logFile.endsWith(QLatin1String("start-try2.log")));
        QCOMPARE(done.journal.decisions.size(), 1);
        QCOMPARE(done.journal.decisions.first().kind, DecisionKind::Retry);
        QVERIFY(done.journal.outageMs >= 0);
    }

    // The site's switch program is not known to be safe to run twice: Retry is refused, with
    // the reason; an error line in the start-up log is a judgement that can be accepted, a
    // failed pull a fact that cannot.
    void whatAFailedStepOffers()
    {
        Journal run = Journal::create(RunKind::Upgrade);
        run.status = RunStatus::Failed;
        Plan plan;
        Step sw;
        sw.id = QStringLiteral("switch");
        sw.kind = StepKind::SwitchTraffic;
        Step pull;
        pull.id = QStringLiteral("pull");
        pull.argv = {QStringLiteral("/u01/myst-studio/bin/pull.sh"), QStringLiteral("2.0.0")};
        plan.steps = {sw, pull};
        StepRecord failedSwitch;
        failedSwitch.status = StepStatus::Failed;
        run.steps = {failedSwitch, StepRecord{}};
        QString error;
        QVERIFY(!FailedStep::prepareRetry(run, plan, &error));
        QVERIFY2(error.contains(QLatin1String("the site's own program")), qPrintable(error));
        QVERIFY(!FailedStep::prepareAccept(run, &error));
        QVERIFY2(error.contains(QLatin1String("not a judgement")), qPrintable(error));
        run.steps[0].status = StepStatus::Succeeded;
        run.steps[1].status = StepStatus::Failed;
        run.steps[1].judgement = {QStringLiteral("ERROR [deploy] plugin X")};
        QVERIFY(FailedStep::choices(run, plan).retry.safe);
        QVERIFY2(FailedStep::prepareAccept(run, &error), qPrintable(error));
        QCOMPARE(run.steps[1].status, StepStatus::Accepted);
        QCOMPARE(run.firstUndoneStep(), -1);
        QCOMPARE(run.decisions.last().note, QStringLiteral("ERROR [deploy] plugin X"));
    }

    // The host's own record (HostRecordStore) has each fact before the next step starts: the
    // previous image before pull.sh, the backup before stop.sh; and the run's end.
    void theHostRecordIsWrittenAsEachFactIsCaptured()
    {
        FakeHost prod(QStringLiteral("prod"));
        healthy(prod);
        const QString before = prod.taggedImage;
        const Plan plan =
            inPlaceUpgradePlan(site().hosts.value(QStringLiteral("prod")), QStringLiteral("2.0.0"));
        const Outcome o = run(plan, {{1, &prod}});
        QVERIFY2(o.result.ok, qPrintable(o.result.message));
        const auto first = [&](const std::function<bool(const QString&)>& match) {
            for (int i = 0; i < prod.commands.size(); ++i) {
                if (match(prod.commands.at(i)))
                    return i;
            }
            return -1;
        };
        const auto record = [](const QString& c) {
            return c.contains(QLatin1String(" myst-record /u01/"));
        };
        const int image = first([&](const QString& c) { return record(c) && c.contains(before); });
        const int backup = first(
            [&](const QString& c) { return record(c) && c.contains(QLatin1String("b-prod.sql")); });
        const int pull =
            first([](const QString& c) { return c.contains(QLatin1String("pull.sh")); });
        const int stop =
            first([](const QString& c) { return c.contains(QLatin1String("stop.sh")); });
        QVERIFY(image >= 0 && image < pull);
        QVERIFY(backup >= 0 && backup < stop);
        QVERIFY(!prod.commands.filter(QStringLiteral(" myst-record /u01/"))
                     .last()
                     .contains(QLatin1String("\"status\":\"running\"")));
    }

    void aFailedBackupStopsBeforeStopAndPutsTheTagBack()
    {
        FakeHost prod(QStringLiteral("prod"));
        healthy(prod);
        prod.scripts[QStringLiteral("backup-database.sh")] = {{}, {"ERROR: disk full"}, 1};
        const QString before = prod.taggedImage;
        const Outcome o = run(
            inPlaceUpgradePlan(site().hosts.value(QStringLiteral("prod")), QStringLiteral("2.0.0")),
            {{1, &prod}});
        QVERIFY(!o.result.ok);
        QVERIFY2(o.result.message.contains(QStringLiteral("ERROR: disk full")),
                 qPrintable(o.result.message));
        QVERIFY(!prod.started.contains(QStringLiteral("stop.sh")));
        QCOMPARE(prod.taggedImage, before); // pull had moved it; the run's end put it back
        QVERIFY(o.result.message.contains(QStringLiteral("tagged %1 again").arg(before.left(19))));
        QCOMPARE(statuses(o.result.journal).mid(2, 2),
                 QStringList({"backup=failed", "ready=skipped"}));
    }

    void cancelStopsTheRunAndNothingAfter()
    {
        FakeHost prod(QStringLiteral("prod"));
        healthy(prod);
        prod.scripts[QStringLiteral("pull.sh")].waitForCancel = true;
        const Outcome o = run(
            inPlaceUpgradePlan(site().hosts.value(QStringLiteral("prod")), QStringLiteral("2.0.0")),
            {{1, &prod}}, [](Runner& r) {
                QTest::qWait(200);
                r.cancel();
            });
        QVERIFY(o.result.cancelled);
        QCOMPARE(o.result.journal.status, QStringLiteral("cancelled"));
        QCOMPARE(prod.started, QStringList({"docker", "pull.sh"}));
    }

    void aDropIsReconnectedAndTheStepReattachedNotRestarted()
    {
        FakeHost prod(QStringLiteral("prod"));
        healthy(prod);
        prod.scripts[QStringLiteral("stop.sh")].drops = 2;
        const Outcome o = run(
            inPlaceUpgradePlan(site().hosts.value(QStringLiteral("prod")), QStringLiteral("2.0.0")),
            {{1, &prod}});
        QVERIFY2(o.result.ok, qPrintable(o.result.message));
        QCOMPARE(prod.started.count(QStringLiteral("stop.sh")), 1); // started once
        QCOMPARE(prod.opens, 3);                                    // two reconnections
        QVERIFY(o.lines.contains(
            QStringLiteral("[wizard] the connection to prod dropped; the step goes on on the host. "
                           "Reconnecting…")));
    }

    void aHostAwayTooLongInterruptsTheRun()
    {
        FakeHost prod(QStringLiteral("prod"));
        healthy(prod);
        prod.scripts[QStringLiteral("start.sh")].drops = 1;
        prod.scripts[QStringLiteral("start.sh")].awayAfterDrop = true;
        Site s = site();
        Plan plan =
            inPlaceUpgradePlan(s.hosts.value(QStringLiteral("prod")), QStringLiteral("2.0.0"));
        const Outcome o = run(plan, {{1, &prod}});
        QVERIFY(!o.result.ok);
        QCOMPARE(o.result.journal.status, QStringLiteral("interrupted"));
        QVERIFY(o.result.message.contains(QStringLiteral("myst-upgrade resume")));
    }

    void anotherWizardsLockIsNamed()
    {
        FakeHost prod(QStringLiteral("prod"));
        prod.lockHolder = QStringLiteral("run=20261201-000000-abcd user=ann from=laptop pid=1 "
                                         "since=2026-12-01T00:00:00Z");
        const Outcome o = run(
            inPlaceUpgradePlan(site().hosts.value(QStringLiteral("prod")), QStringLiteral("2.0.0")),
            {{1, &prod}});
        QVERIFY(!o.result.ok);
        QCOMPARE(o.result.lockedRole, QStringLiteral("prod"));
        QVERIFY(!o.result.lockHolder.isEmpty());
        QVERIFY(prod.started.isEmpty()); // nothing ran
    }

    void rollbackChecksRetagsRestoresAndVerifies()
    {
        FakeHost prod(QStringLiteral("prod"));
        healthy(prod);
        prod.taggedImage = prod.pulledImage; // after an upgrade
        HostRecord record;
        record.previousImageId = QStringLiteral("sha256:") + QString(64, QLatin1Char('a'));
        record.previousVersion = QStringLiteral("1.0.0");
        record.backupPath = QStringLiteral("/u01/myst-studio/backup/b.sql");
        QString error;
        const Plan plan = rollbackPlan(site().hosts.value(QStringLiteral("prod")), record, &error);
        const Outcome o = run(plan, {{1, &prod}});
        QVERIFY2(o.result.ok, qPrintable(o.result.message));
        QCOMPARE(prod.taggedImage, record.previousImageId);
        QCOMPARE(prod.started, QStringList({"docker", "update-database.sh", "restart.sh"}));
        QVERIFY(o.result.message.startsWith(QStringLiteral("Rollback complete")));
    }

    void aBackupChangedSinceTheUpgradeIsNotRestored()
    {
        // Issue 30, 3: the dump changed on the host after the upgrade (an INSERT appended). The
        // rollback stops before it changes anything: no re-tag, no restore.
        FakeHost prod(QStringLiteral("prod"));
        healthy(prod);
        prod.taggedImage = prod.pulledImage;
        HostRecord record;
        record.previousImageId = QStringLiteral("sha256:") + QString(64, QLatin1Char('a'));
        record.backupPath = QStringLiteral("/u01/myst-studio/backup/b.sql");
        record.backupSize = prod.fileSize;
        record.backupSha256 = prod.fileSha;
        prod.fileShas = {QString(64, QLatin1Char('f'))};
        const QString upgraded = prod.taggedImage;
        QString error;
        const Plan plan = rollbackPlan(site().hosts.value(QStringLiteral("prod")), record, &error);
        const Outcome o = run(plan, {{1, &prod}});
        QVERIFY(!o.result.ok);
        QVERIFY(!prod.started.contains(QStringLiteral("update-database.sh")));
        QCOMPARE(prod.taggedImage, upgraded);
        const QString m = o.result.message;
        QVERIFY2(m.contains(record.backupPath) && m.contains(prod.fileSha) &&
                     m.contains(QString(64, QLatin1Char('f'))) &&
                     m.contains(QStringLiteral("1234")),
                 qPrintable(m));
    }

    void aPhasedCopyThatIsNotTheRecordedBackupIsNotRestored()
    {
        // Production's dump is hashed 'd…' by its backup step; what the copy streams (and both
        // hosts confirm) is 'f…': it changed in between. Non-production keeps its data.
        FakeHost prod(QStringLiteral("prod")), nonprod(QStringLiteral("nonprod"));
        healthy(prod);
        healthy(nonprod);
        prod.copySha = QString(64, QLatin1Char('f'));
        const Site s = site();
        const Plan plan =
            phasedUpgradePlan(s.hosts.value(QStringLiteral("nonprod")),
                              s.hosts.value(QStringLiteral("prod")), QStringLiteral("2.0.0"), true);
        const Outcome o = run(plan, {{1, &prod}, {2, &nonprod}});
        QVERIFY(!o.result.ok);
        QVERIFY(!nonprod.started.contains(QStringLiteral("update-database.sh")));
        QVERIFY2(o.result.message.contains(prod.copySha) && o.result.message.contains(prod.fileSha),
                 qPrintable(o.result.message));
    }

    void aCopyChangedBeforeItsRestoreIsNotRestored()
    {
        FakeHost prod(QStringLiteral("prod")), nonprod(QStringLiteral("nonprod"));
        healthy(prod);
        healthy(nonprod);
        // nonprod's own backup: described, then checked by readiness; then the copy, changed.
        nonprod.fileShas = {nonprod.fileSha, nonprod.fileSha, QString(64, QLatin1Char('f'))};
        const Site s = site();
        const Plan plan =
            phasedUpgradePlan(s.hosts.value(QStringLiteral("nonprod")),
                              s.hosts.value(QStringLiteral("prod")), QStringLiteral("2.0.0"), true);
        const Outcome o = run(plan, {{1, &prod}, {2, &nonprod}});
        QVERIFY(!o.result.ok);
        QVERIFY(!nonprod.started.contains(QStringLiteral("update-database.sh")));
        QVERIFY2(o.result.message.contains(QString(64, QLatin1Char('f'))),
                 qPrintable(o.result.message));
    }

    void phasedWithTheDataCopyGoesThroughTheGate()
    {
        FakeHost prod(QStringLiteral("prod")), nonprod(QStringLiteral("nonprod"));
        healthy(prod);
        healthy(nonprod);
        const Site s = site();
        const Plan plan =
            phasedUpgradePlan(s.hosts.value(QStringLiteral("nonprod")),
                              s.hosts.value(QStringLiteral("prod")), QStringLiteral("2.0.0"), true);
        const Outcome o = run(plan, {{1, &prod}, {2, &nonprod}});
        QVERIFY2(o.result.ok, qPrintable(o.result.message));
        const HostRecord np = o.result.journal.records.value(QStringLiteral("nonprod"));
        QVERIFY(np.copiedBackupPath.startsWith(
            QStringLiteral("/u01/myst-studio/backup/myst-upgrade-")));
        QVERIFY(np.copiedBackupPath != np.backupPath);
        QVERIFY(nonprod.started.contains(QStringLiteral("update-database.sh")));
        QVERIFY(o.lines.contains(
            QStringLiteral("nonprod is verified on MyST Studio 2.0.0. Go on with prod (outage)?")));
        // Production's image is checked against the one verified first.
        QVERIFY(o.lines.contains(
            QStringLiteral("prod now has %1; nonprod verified %1").arg(prod.pulledImage)));
    }

    void offlineUploadLoadsAndTags()
    {
        FakeHost prod(QStringLiteral("prod"));
        OfflineImage image;
        image.localPath = QStringLiteral("/tmp/myst-studio-2.0.0.tar");
        image.imageId = prod.pulledImage;
        image.version = QStringLiteral("2.0.0");
        const Outcome o =
            run(uploadPlan(site().hosts.value(QStringLiteral("prod")), image), {{1, &prod}});
        QVERIFY2(o.result.ok, qPrintable(o.result.message));
        QCOMPARE(prod.taggedImage, image.imageId);
        QVERIFY(prod.commands.contains(
            QStringLiteral("docker load -i /u01/myst-studio/images/myst-studio-2.0.0.tar")));
        QCOMPARE(o.result.journal.records.value(QStringLiteral("prod")).loadedImageId,
                 image.imageId);
    }
};

QTEST_GUILESS_MAIN(TestRunner)
#include "TestRunner.moc"
