#include "core/base/Validation.h"
#include "core/host/HostLock.h"
#include "core/host/LogTimestamps.h"
#include "core/host/OutputParsers.h"
#include "core/journal/Journal.h"
#include "core/plan/Plan.h"
#include "core/site/Site.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace myst;

class TestParsers : public QObject
{
    Q_OBJECT
private slots:
    void backupLine_data()
    {
        QTest::addColumn<QStringList>("lines");
        QTest::addColumn<QString>("expected"); // empty: refused
        QTest::newRow("guide")
            << QStringList{"Backing up",
                           "Backed up to /opt/myst-studio/backup/myst-studio-1468979016.sql"}
            << "/opt/myst-studio/backup/myst-studio-1468979016.sql";
        QTest::newRow("trailing space")
            << QStringList{"Backed up to /u01/myst-studio/backup/a.sql  "}
            << "/u01/myst-studio/backup/a.sql";
        QTest::newRow("last wins")
            << QStringList{"Backed up to /a/1.sql", "Backed up to /a/2.sql"} << "/a/2.sql";
        QTest::newRow("forged command") << QStringList{"Backed up to /x; rm -rf ~"} << QString();
        QTest::newRow("substitution") << QStringList{"Backed up to /x/$(id).sql"} << QString();
        QTest::newRow("relative") << QStringList{"Backed up to backup/a.sql"} << QString();
        QTest::newRow("dotdot") << QStringList{"Backed up to /opt/../etc/shadow"} << QString();
        QTest::newRow("newline in path") << QStringList{"Backed up to /a\n/b"} << QString();
        QTest::newRow("missing") << QStringList{"Backup failed"} << QString();
    }
    void backupLine()
    {
        QFETCH(QStringList, lines);
        QFETCH(QString, expected);
        QString error;
        const auto path = parseBackupPath(lines, &error);
        if (expected.isEmpty()) {
            QVERIFY(!path);
            QVERIFY(!error.isEmpty());
        } else {
            QVERIFY2(path, qPrintable(error));
            QCOMPARE(*path, expected);
        }
    }

    void imageInspect()
    {
        // (moc cannot read raw string literals, so plain ones here)
        const QString json =
            QStringLiteral("[{\"Id\":\"sha256:%1\",\"RepoTags\":[\"067343992071.dkr.ecr.us-west-2."
                           "amazonaws.com/myst-studio:7.2.0-mysql8\",\"myst-studio:latest\"],"
                           "\"Config\":{\"Labels\":null}}]")
                .arg(QString(64, QLatin1Char('a')));
        QString error;
        const auto info = parseImageInspect(json, &error);
        QVERIFY2(info, qPrintable(error));
        QCOMPARE(info->id, QStringLiteral("sha256:") + QString(64, QLatin1Char('a')));
        QCOMPARE(info->version, QStringLiteral("7.2.0-mysql8")); // from the tag, never "latest"
        QVERIFY(!parseImageInspect(QStringLiteral("[]"), &error));
        QVERIFY(!parseImageInspect(QStringLiteral("Error: No such image"), &error));
        QVERIFY(!parseImageInspect(QStringLiteral("[{\"Id\":\"sha256:zz; rm\"}]"), &error));
    }

    void consoleAndDf()
    {
        const RunSettings s;
        QCOMPARE(parseConsoleVersion(QStringLiteral("<footer>MyST Studio 7.2.0.1</footer>"),
                                     s.consoleVersionPattern),
                 QStringLiteral("7.2.0.1"));
        QCOMPARE(parseConsoleVersion(QStringLiteral("<p>Sign in</p>"), s.consoleVersionPattern),
                 QString());
        QCOMPARE(
            parseDfAvailableMegabytes({"Filesystem 1024-blocks Used Available Capacity Mounted on",
                                       "/dev/vda 263174212 16000000 2048000 17% /"}),
            qint64(2000));
        QCOMPARE(parseDfAvailableMegabytes({"df: /x: No such file"}), qint64(-1));
    }

    void validation()
    {
        QVERIFY(isValidVersion("7.2.0-mysql8"));
        QVERIFY(!isValidVersion("-rf"));
        QVERIFY(!isValidVersion("1.0;id"));
        QVERIFY(isSafeAbsolutePath("/u01/myst-studio"));
        QVERIFY(!isSafeAbsolutePath("/u01/my st"));
        QVERIFY(!isSafeAbsolutePath("/u01/./x"));
        // The blue/green switch program is on this computer, in its own path form.
        QVERIFY(isLocalProgramPath(QDir::rootPath() + "opt/ops tools/switch-dns"));
        QVERIFY(!isLocalProgramPath("switch-dns"));
        QVERIFY(!isLocalProgramPath(QDir::rootPath() + "opt/../bin/sh"));
        QVERIFY(!isLocalProgramPath(QDir::rootPath() + "opt/switch\n"));
#ifdef Q_OS_WIN
        QVERIFY(isLocalProgramPath("C:\\Program Files\\ops\\switch-dns.exe"));
        QVERIFY(isLocalProgramPath("\\\\ops-share\\tools\\switch-dns.exe"));
#endif
        QVERIFY(isValidImageId("sha256:" + QString(64, 'f')));
        QVERIFY(!isValidImageId("myst-studio"));
    }

    void plainFileNames_data()
    {
        QTest::addColumn<QString>("local");
        QTest::addColumn<QString>("onTheHost");
        QTest::newRow("plain") << "myst-studio-7.2.0.tar.gz"
                               << "myst-studio-7.2.0.tar.gz";
        QTest::newRow("second download") << "myst-studio-7.2.0 (1).tar.gz"
                                         << "myst-studio-7.2.0__1_.tar.gz";
        QTest::newRow("shell") << "x';rm -rf ~;'.tar"
                               << "x__rm_-rf____.tar";
        QTest::newRow("non-ASCII") << QStringLiteral("myst-été.tar") << "myst-_t_.tar";
        QTest::newRow("dot-dot") << ".."
                                 << "__";
    }

    void plainFileNames()
    {
        QFETCH(QString, local);
        QFETCH(QString, onTheHost);
        QCOMPARE(plainFileName(local), onTheHost);
        QVERIFY(isSafeAbsolutePath(QStringLiteral("/images/") + plainFileName(local)));
    }

    void siteReportsEveryProblemAtOnce()
    {
        const QJsonObject json =
            QJsonDocument::fromJson(
                "{\"hosts\":{\"prod\":{\"host\":\"a b\",\"port\":0,"
                "\"mystHome\":\"relative\",\"consoleUrl\":\"ftp://x\","
                "\"backupDirectory\":\"dumps; rm -rf /\"},"
                "\"Bad Role\":{\"host\":\"ok\",\"identity\":\"/nonexistent/key\"}}}")
                .object();
        QStringList errors;
        Site::fromJson(json, "site.json", &errors);
        const QString all = errors.join('\n');
        for (const char* expected :
             {"hosts.prod.host", "hosts.prod.port", "hosts.prod.mystHome", "hosts.prod.consoleUrl",
              "hosts.prod.backupDirectory", "role name", "/nonexistent/key"}) {
            QVERIFY2(all.contains(QLatin1String(expected)), qPrintable(all));
        }
    }

    // The wizard saves the site file it edits: tuned settings must survive that.
    void siteSettingsSurviveSaving()
    {
        const QJsonObject json =
            QJsonDocument::fromJson("{\"hosts\":{\"prod\":{\"host\":\"myst\",\"user\":\"oracle\","
                                    "\"mystHome\":\"/opt/myst\",\"backupDirectory\":"
                                    "\"/backup/myst/\"}},\"settings\":{"
                                    "\"stepTimeoutSeconds\":60,\"reconnectSeconds\":30,"
                                    "\"minFreeMegabytes\":5000,\"startupMarker\":\"Ready\"}}")
                .object();
        QStringList errors;
        const Site site = Site::fromJson(json, "site.json", &errors);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join('\n')));
        const QJsonObject saved = site.toJson();
        const Site again = Site::fromJson(saved, "site.json", &errors);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join('\n')));
        QCOMPARE(again.settings.stepTimeoutSeconds, 60);
        QCOMPARE(again.settings.reconnectSeconds, 30);
        QCOMPARE(again.settings.minFreeMegabytes, qint64(5000));
        QCOMPARE(again.settings.startupMarker, QStringLiteral("Ready"));
        QCOMPARE(again.hosts.value("prod").backupFolder(), QStringLiteral("/backup/myst"));
        QCOMPARE(site.hosts.value("prod").imagesPath(), QStringLiteral("/opt/myst/images"));
        // Defaults are not written out.
        const QJsonObject settings = saved.value("settings").toObject();
        QVERIFY(!settings.contains("errorPattern"));
        QVERIFY(!settings.contains("startupTimeoutSeconds"));
    }

    // Verify reads only the current boot of a log that docker logs -f replays (issue 15).
    void earlierBootsAreToldByTheirTimestamps()
    {
        const QDateTime boot = QDateTime::fromString("2026-12-01T15:00:00Z", Qt::ISODate);
        const QString tomcatOld = "01-Dec-2026 14:10:02.311 INFO [main] "
                                  "org.apache.catalina.startup.Catalina.start Server startup in "
                                  "[4567] milliseconds";
        const QString tomcatNew = "01-Dec-2026 15:00:09.002 INFO [main] "
                                  "org.apache.catalina.startup.Catalina.start Server startup in "
                                  "[4012] milliseconds";
        QVERIFY(isBeforeBoot(tomcatOld, boot, 0));
        QVERIFY(!isBeforeBoot(tomcatNew, boot, 0));
        QVERIFY(isBeforeBoot("2026-12-01 14:59:00 INFO  [main] MyST Studio started", boot, 0));
        QVERIFY(!isBeforeBoot("2026-12-01 15:00:01 INFO  [main] MyST Studio started", boot, 0));
        // A host west of UTC (UTC-5) whose log is in its own zone: 10:00:09 there is 15:00:09 UTC.
        QVERIFY(!isBeforeBoot("01-Dec-2026 10:00:09.002 INFO [main] Server startup in", boot,
                              -5 * 3600));
        QVERIFY(!isBeforeBoot("a line without a time", boot, 0));
        QVERIFY(!isBeforeBoot(tomcatOld, QDateTime(), 0)); // no boot known: every line counts
    }

    // The application's lines carry a time of day only, between Tomcat's dated lines: each is
    // dated from the dated line before it, so an earlier boot's error line (replayed by docker
    // logs after a restart) is told from this boot's.
    void timeOnlyLinesTakeTheDateOfTheLineBefore()
    {
        const QDateTime boot = QDateTime::fromString("2026-12-01T15:00:00Z", Qt::ISODate);
        LogClock clock;
        QVERIFY(!clock.stamp("11:22:10.411 [main] ERROR before any date").isValid());
        QVERIFY(
            isBeforeBoot(clock.stamp("01-Dec-2026 14:10:02.311 INFO [main] Starting"), boot, 0));
        QVERIFY(isBeforeBoot(clock.stamp("14:10:03.117 [main] ERROR c.r.myst.plugins."
                                         "PluginRegistry - Failed to load plugin [x.jar]"),
                             boot, 0));
        QVERIFY(isBeforeBoot(clock.stamp("java.lang.IllegalStateException: plugin descriptor"),
                             boot, 0)); // that entry's stack trace
        QVERIFY(
            !isBeforeBoot(clock.stamp("01-Dec-2026 15:00:04.002 INFO [main] Starting"), boot, 0));
        QVERIFY(!isBeforeBoot(clock.stamp("\tat com.example.This.boot(Boot.java:1)"), boot, 0));
        QVERIFY(!isBeforeBoot(clock.stamp("15:00:05.210 [main] ERROR this boot's"), boot, 0));
        // Past midnight: 23:59 then 00:00:30 is the next day.
        LogClock late;
        late.stamp("01-Dec-2026 23:59:58.000 INFO [main] Starting");
        QCOMPARE(late.stamp("00:00:30.000 [main] INFO next day").date(), QDate(2026, 12, 2));
    }

    void versionsWithSuffixesAndLoadedImages()
    {
        QVERIFY(sameMystVersion("7.2.0.1", "7.2.0.1-mysql8"));
        QVERIFY(sameMystVersion("7.2.0.1-mysql8", "7.2.0.1"));
        QVERIFY(sameMystVersion("2.0.0", "2.0.0"));
        QVERIFY(!sameMystVersion("7.2.0.2", "7.2.0.1-mysql8"));
        QVERIFY(!sameMystVersion("", "7.2.0.1"));
        QCOMPARE(loadedImageRef("Loaded image: registry.example.com/rubiconred/myst-studio:2.0.0"),
                 QStringLiteral("registry.example.com/rubiconred/myst-studio:2.0.0"));
        QCOMPARE(loadedImageRef("Loaded image ID: sha256:" + QString(64, 'a')),
                 "sha256:" + QString(64, 'a'));
        QVERIFY(loadedImageRef("Loaded image: x; rm -rf ~").isEmpty());
        QVERIFY(loadedImageRef("ORACLE_HOME=/u01/app/oracle").isEmpty());
    }

    void timeoutsByKindOfStep()
    {
        RunSettings s;
        QString setting;
        QCOMPARE(s.timeoutFor("pull", &setting), s.pullTimeoutSeconds);
        QCOMPARE(setting, QStringLiteral("pullTimeoutSeconds"));
        QCOMPARE(s.timeoutFor("nonprod-backup"), s.backupTimeoutSeconds);
        QCOMPARE(s.timeoutFor("restore-copy"), s.restoreTimeoutSeconds);
        QCOMPARE(s.timeoutFor("restart"), s.startTimeoutSeconds);
        QCOMPARE(s.timeoutFor("stop", &setting), s.stepTimeoutSeconds);
        QCOMPARE(setting, QStringLiteral("stepTimeoutSeconds"));
    }

    void lockLineIsReadBackPlainly()
    {
        const LockHolder h = LockHolder::parse(
            "run=20261125-101010-abcd user=alice from=laptop pid=42 since=2026-11-25T10:10:10Z");
        QCOMPARE(h.runId, QStringLiteral("20261125-101010-abcd"));
        QCOMPARE(h.describe(), QStringLiteral("run 20261125-101010-abcd, alice on laptop (pid 42), "
                                              "since 2026-11-25 10:10 UTC"));
        // Whatever another program wrote there is shown, never interpreted.
        const LockHolder odd = LockHolder::parse("user=$(reboot) from=`x` junk");
        QCOMPARE(odd.user, QStringLiteral("__reboot_"));
        QVERIFY(!odd.describe().contains('`'));
        QCOMPARE(LockHolder::parse(LockHolder::me("20261125-101010-abcd").line()).runId,
                 QStringLiteral("20261125-101010-abcd"));
    }
};

QTEST_GUILESS_MAIN(TestParsers)
#include "TestParsers.moc"
