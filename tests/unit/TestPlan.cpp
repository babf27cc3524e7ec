#include "TestConfig.h"

#include "core/base/Validation.h"
#include "core/journal/Journal.h"
#include "core/plan/Plan.h"
#include "core/plan/PlanResume.h"
#include "core/site/Site.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace myst;

// The plan builders, a plan as the journal keeps it, and the plan a resume rebuilds.
class TestPlan : public QObject
{
    Q_OBJECT
private slots:
    void rollbackPlanNeedsTheRecord()
    {
        SiteHost host;
        host.role = "prod";
        host.mystHome = "/opt/myst-studio";
        HostRecord record;
        record.previousImageId = "sha256:" + QString(64, 'b');
        QString error;
        QVERIFY(rollbackPlan(host, record, &error).steps.isEmpty());
        QVERIFY(error.contains("no database backup"));
        record.backupPath = "/opt/myst-studio/backup/myst-studio-1.sql";
        record.backupSha256 = QString(64, 'c');
        record.backupSize = 1234;
        const Plan plan = rollbackPlan(host, record, &error);
        QCOMPARE(plan.steps.size(), 6);
        QCOMPARE(plan.steps.at(2).commandText(),
                 "docker tag " + record.previousImageId + " myst-studio");
        // Before the re-tag and the restore: the recorded file, by size and SHA-256 (issue 30).
        QCOMPARE(plan.steps.at(1).kind, StepKind::CheckBackup);
        QCOMPARE(plan.steps.at(1).backupSha256, record.backupSha256);
        QCOMPARE(plan.steps.at(1).backupSize, 1234);
        QCOMPARE(plan.steps.at(0).backupSha256, record.backupSha256);
        QString journalError;
        const std::optional<Plan> back = planFromJson(planToJson(plan), &journalError);
        QVERIFY2(back, qPrintable(journalError));
        QCOMPARE(back->steps.at(1).backupSha256, record.backupSha256);
        QCOMPARE(back->steps.at(1).backupSize, 1234);
        QCOMPARE(plan.steps.at(3).commandText(),
                 QStringLiteral("cd -- /opt/myst-studio/bin && ./update-database.sh "
                                "/opt/myst-studio/backup/myst-studio-1.sql"));
    }

    void aBackupOutsideTheBackupFolderIsNotRestored()
    {
        // Issue 30, 5: a record (a file on the host) may name any plain path.
        SiteHost host;
        host.role = "prod";
        host.mystHome = "/opt/myst-studio";
        HostRecord record;
        record.previousImageId = "sha256:" + QString(64, 'b');
        QString error;
        for (const char* path : {"/etc/passwd", "/opt/myst-studio/data/x.sql",
                                 "/opt/myst-studio/backup", "/opt/myst-studio/backupx/b.sql"}) {
            record.backupPath = QString::fromLatin1(path);
            QVERIFY2(rollbackPlan(host, record, &error).steps.isEmpty(), path);
            QVERIFY2(error.contains("is not in /opt/myst-studio/backup"), qPrintable(error));
        }
    }

    void planSurvivesTheJournalAndAnEditedOneIsRefused()
    {
        SiteHost host;
        host.role = "prod";
        host.mystHome = "/opt/myst-studio";
        const Plan plan = inPlaceUpgradePlan(host, "2.0.0");
        QString error;
        const std::optional<Plan> back = planFromJson(planToJson(plan), &error);
        QVERIFY2(back, qPrintable(error));
        QCOMPARE(back->steps.size(), plan.steps.size());
        for (int i = 0; i < plan.steps.size(); ++i) {
            QCOMPARE(back->steps.at(i).commandText(), plan.steps.at(i).commandText());
            QCOMPARE(back->steps.at(i).kind, plan.steps.at(i).kind);
            QCOMPARE(back->steps.at(i).startsOutage, plan.steps.at(i).startsOutage);
        }
        QCOMPARE(back->steps.at(3).id, QStringLiteral("ready")); // readiness before stop.sh
        QCOMPARE(back->steps.at(4).id, QStringLiteral("stop"));

        QJsonObject edited = planToJson(plan);
        QJsonArray steps = edited.value("steps").toArray();
        QJsonObject pull = steps.at(1).toObject();
        pull.insert("argv", QJsonArray{"sh", "-c", "rm -rf /"});
        steps.replace(1, pull);
        edited.insert("steps", steps);
        QVERIFY(!planFromJson(edited, &error));
        QVERIFY(error.contains("not valid"));
        QVERIFY(!planFromJson(QJsonObject{}, &error));
    }

    void stepKindsAreStoredByName()
    {
        SiteHost host;
        host.role = "prod";
        host.mystHome = "/opt/myst-studio";
        const QJsonObject json = planToJson(inPlaceUpgradePlan(host, "2.0.0"));
        QStringList kinds;
        for (const QJsonValue& step : json.value("steps").toArray())
            kinds << step.toObject().value("kind").toString();
        QCOMPARE(kinds, QStringList({"record-image", "script", "backup", "check-readiness",
                                     "script", "script", "verify"}));
        for (int k = 0; k <= int(StepKind::CheckReadiness); ++k)
            QCOMPARE(stepKindFromName(stepKindName(StepKind(k))), std::optional(StepKind(k)));
        QVERIFY(!stepKindFromName("rm-rf"));
    }

    void aResumeRebuildsThePlanFromValuesNotCommands()
    {
        QStringList errors;
        const Site site =
            Site::fromJson(QJsonDocument::fromJson(R"({"hosts": {"prod": {"host": "h", "user": "u",
                "auth": "agent", "mystHome": "/u01/myst-studio"}}})")
                               .object(),
                           "/tmp/site.json", &errors);
        QVERIFY(errors.isEmpty());
        Journal run;
        run.runId = "20261201-000000-abcd";
        const Plan plan = inPlaceUpgradePlan(site.hosts.value("prod"), "2.0.0");
        QJsonObject json = planToJson(plan);
        QJsonArray steps = json.value("steps").toArray();
        QJsonObject start = steps.at(5).toObject();
        start.insert("argv", QJsonArray{"/usr/bin/touch", "/tmp/planted"});
        steps.replace(5, start);
        json.insert("steps", steps);
        run.plan = json;
        for (const Step& s : plan.steps) {
            StepRecord r;
            r.id = s.id;
            run.steps << r;
        }
        QString error;
        const std::optional<Plan> resumed = resumePlan(run, site, &error);
        QVERIFY2(resumed, qPrintable(error));
        QCOMPARE(resumed->steps.at(5).argv, QStringList({"/u01/myst-studio/bin/start.sh"}));
        // Steps that are not the ones the builders make: not resumed at all.
        steps.removeAt(3);
        json.insert("steps", steps);
        run.plan = json;
        run.steps.removeAt(3);
        QVERIFY(!resumePlan(run, site, &error));
        QVERIFY(error.contains("not the ones its plan makes"));
    }
};

QTEST_GUILESS_MAIN(TestPlan)
#include "TestPlan.moc"
