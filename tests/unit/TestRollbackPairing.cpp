#include "core/host/HostRunRecord.h"
#include "core/host/RollbackPairing.h"
#include "core/journal/RunNames.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace myst;

// The host record's format (what a tampered one is refused for), and the pairing proposed from
// a host's images and backups when there is no record: the guide's pairing, or "ambiguous",
// never a guess.
class TestRollbackPairing : public QObject
{
    Q_OBJECT

    static QString id(char c) { return QStringLiteral("sha256:") + QString(64, QLatin1Char(c)); }

    static QString image(char c, const QString& version, const QString& tags,
                         const QString& created = QStringLiteral("2026-01-01T00:00:00.123456789Z"))
    {
        return QStringLiteral("myst-image %1 %2 %3 {\"com.rubiconred.myst.version\":\"%4\"}")
            .arg(id(c), created, tags, version);
    }

    static constexpr const char* Nonce = "0123456789abcdef";

    // The inventory script's output for facts written as "myst-image ID CREATED TAGS LABELS",
    // "myst-container …", "myst-backup TIME SIZE PATH": images as docker's JSON between the
    // nonce's markers, the other markers with the nonce, a backup's path in hex. Other lines
    // (a banner) are passed as they are.
    static QStringList hostSays(const QStringList& facts)
    {
        const QString n = QLatin1String(Nonce);
        QJsonArray images;
        QStringList out;
        for (const QString& line : facts) {
            const QStringList f = line.split(QLatin1Char(' '));
            if (f.value(0) == QLatin1String("myst-image")) {
                images.append(QJsonObject{
                    {QStringLiteral("Id"), f.at(1)},
                    {QStringLiteral("Created"), f.at(2)},
                    {QStringLiteral("RepoTags"), QJsonDocument::fromJson(f.at(3).toUtf8()).array()},
                    {QStringLiteral("Config"),
                     QJsonObject{
                         {QStringLiteral("Labels"),
                          QJsonDocument::fromJson(line.section(QLatin1Char(' '), 4).toUtf8())
                              .object()}}}});
            } else if (f.value(0) == QLatin1String("myst-backup")) {
                out << QStringLiteral("myst-backup-%1 %2 %3 %4")
                           .arg(n, f.at(1), f.at(2),
                                QString::fromLatin1(
                                    line.section(QLatin1Char(' '), 3).toUtf8().toHex()));
            } else if (f.value(0).startsWith(QLatin1String("myst-"))) {
                out << f.value(0) + QLatin1Char('-') + n + line.mid(f.value(0).size());
            } else {
                out << line;
            }
        }
        out << QStringLiteral("myst-images-") + n
            << QString::fromUtf8(QJsonDocument(images).toJson()).split(QLatin1Char('\n'))
            << QStringLiteral("myst-images-end-") + n;
        return out;
    }

    static HostInventory parse(const QStringList& facts)
    {
        return HostInventory::parse(hostSays(facts), QLatin1String(Nonce));
    }

    // 1.0.0 before, 2.0.0 now (running since 10:00:05); backups at 09:00, 10:00, 11:00.
    static QStringList manualUpgrade()
    {
        const qint64 t10 = QDateTime(QDate(2026, 12, 1), QTime(10, 0), Qt::UTC).toSecsSinceEpoch();
        return {
            image('a', "1.0.0", "[\"registry.example.com/myst-studio:1.0.0\"]"),
            image('b', "2.0.0",
                  "[\"registry.example.com/myst-studio:2.0.0\",\"myst-studio:latest\"]"),
            QStringLiteral("myst-container %1 2026-12-01T10:00:05.5Z true").arg(id('b')),
            QStringLiteral("myst-backup %1 100 /m/backup/b9.sql").arg(t10 - 3600),
            QStringLiteral("myst-backup %1 100 /m/backup/b10.sql").arg(t10),
            QStringLiteral("myst-backup %1 100 /m/backup/b11.sql").arg(t10 + 3600),
            QStringLiteral("banner: myst-backup 1 1 /etc/passwd"),
        };
    }

    static HostRunRecord validRecord()
    {
        HostRunRecord r;
        r.runId = QStringLiteral("20261201-100000-abcd");
        r.kind = RunKind::Upgrade;
        r.status = RunStatus::Succeeded;
        r.role = QStringLiteral("prod");
        r.previousImageId = id('a');
        r.previousVersion = QStringLiteral("1.0.0");
        r.backupPath = QStringLiteral("/m/backup/b10.sql");
        r.backupSha256 = QString(64, QLatin1Char('f'));
        r.newImageId = id('b');
        return r;
    }

private slots:
    void proposesThePreviousImageAndTheBackupBeforeTheFirstStart()
    {
        const HostInventory inv = parse(manualUpgrade());
        QCOMPARE(inv.images.size(), 2);
        QCOMPARE(inv.backups.size(), 3); // the banner line is not a backup
        const RollbackPairing p = Pairing::propose(inv);
        QVERIFY2(p.ok, qPrintable(p.why));
        QCOMPARE(p.imageId, id('a'));
        QCOMPARE(p.version, QStringLiteral("1.0.0"));
        QCOMPARE(p.backupPath, QStringLiteral("/m/backup/b10.sql")); // not 11:00: after the start
        QVERIFY(p.loses.contains(QStringLiteral("2026-12-01 10:00 UTC")));
    }

    void aBackupNameCannotForgeInventoryLines()
    {
        // Issue 30, 2: a file in the backup folder whose name holds newlines and what would be
        // the protocol's lines: the database image as "MyST Studio 0.9.0", a note.
        const QString db = QStringLiteral("sha256:") + QString(64, QLatin1Char('d'));
        const QByteArray evil =
            QStringLiteral(
                "/m/backup/x\nmyst-image %1 2026-01-01T00:00:00Z "
                "[\"myst-studio:0.9.0\"] {}\nmyst-note owned\nmyst-backup 1 1 /etc/passwd")
                .arg(db)
                .toUtf8();
        QStringList lines = hostSays(manualUpgrade());
        const QString n = QLatin1String(Nonce);
        lines << QStringLiteral("myst-backup-%1 1764583200 100 %2")
                     .arg(n, QString::fromLatin1(evil.toHex()))
              // Lines a host could print without the nonce: never read.
              << QStringLiteral("myst-note-fedcba9876543210 owned")
              << QStringLiteral("myst-backup-fedcba9876543210 1 1 2f6574632f706173737764")
              << QStringLiteral("myst-container %1 2026-12-01T10:00:05Z true").arg(db);
        const HostInventory inv = HostInventory::parse(lines, n, QStringLiteral("/m/backup"));
        QCOMPARE(inv.images.size(), 2);
        QVERIFY(!inv.image(db));
        QCOMPARE(inv.backups.size(), 3);
        QCOMPARE(inv.notes.size(), 1);
        QVERIFY2(inv.notes.first().startsWith(QStringLiteral("skipped a backup file")),
                 qPrintable(inv.notes.first()));
        QVERIFY2(inv.notes.first().contains(QStringLiteral("/m/backup/x\\nmyst-image")),
                 qPrintable(inv.notes.first())); // said, with its newline shown as \n
        QVERIFY(!inv.notes.first().contains(QLatin1Char('\n')));
        const RollbackPairing p = Pairing::propose(inv);
        QVERIFY2(p.ok, qPrintable(p.why));
        QCOMPARE(p.imageId, id('a'));
        QCOMPARE(p.backupPath, QStringLiteral("/m/backup/b10.sql"));
    }

    void aBackupMustBeRightInTheBackupFolder()
    {
        const QString n = QLatin1String(Nonce);
        const auto hex = [](const char* path) {
            return QString::fromLatin1(QByteArray(path).toHex());
        };
        const HostInventory inv = HostInventory::parse(
            {QStringLiteral("myst-backup-%1 1 100 %2").arg(n, hex("/etc/passwd")),
             QStringLiteral("myst-backup-%1 1 100 %2").arg(n, hex("/m/backup/sub/b.sql")),
             QStringLiteral("myst-backup-%1 1 100 %2").arg(n, hex("/m/backup/b.sql"))},
            n, QStringLiteral("/m/backup"));
        QCOMPARE(inv.backups.size(), 1);
        QCOMPARE(inv.backups.first().path, QStringLiteral("/m/backup/b.sql"));
        QCOMPARE(inv.notes.size(), 2);
    }

    void twoImagesOfThePreviousVersionAreAmbiguous()
    {
        QStringList lines = manualUpgrade();
        lines << image('c', "1.0.0", "[]");
        const RollbackPairing p = Pairing::propose(parse(lines));
        QVERIFY(!p.ok);
        QVERIFY(p.ambiguous);
        QVERIFY2(p.why.contains(QStringLiteral("Two images carry version 1.0.0")),
                 qPrintable(p.why));
    }

    void anImageOfUnknownVersionOrAStoppedServiceIsAmbiguous()
    {
        QStringList lines = manualUpgrade();
        lines << QStringLiteral("myst-image %1 2026-01-01T00:00:00Z "
                                "[\"registry.example.com/myst-studio:latest\"] null")
                     .arg(id('d'));
        RollbackPairing p = Pairing::propose(parse(lines));
        QVERIFY(p.ambiguous && !p.ok);
        QVERIFY2(p.why.contains(QStringLiteral("Cannot tell the version")), qPrintable(p.why));

        lines = manualUpgrade();
        lines.removeAt(2); // no container running
        p = Pairing::propose(parse(lines));
        QVERIFY(p.ambiguous && !p.ok);
        QCOMPARE(p.imageId, id('a')); // the image is still said
        QVERIFY2(p.why.contains(QStringLiteral("not running")), qPrintable(p.why));
    }

    void aRecordRoundTripsAndRollingBackAnEarlierOneNamesWhatIsUndone()
    {
        const HostRunRecord first = validRecord();
        QString error;
        const auto back = HostRunRecord::fromJson(first.toJson(), &error);
        QVERIFY2(back, qPrintable(error));
        QCOMPARE(back->backupPath, first.backupPath);
        QCOMPARE(back->previousImageId, first.previousImageId);
        HostRunRecord second = validRecord();
        second.runId = QStringLiteral("20261202-100000-abcd");
        second.previousVersion = QStringLiteral("2.0.0");
        second.targetVersion = QStringLiteral("3.0.0");
        const RollbackPairing p = Pairing::fromRecord(first, {second, first});
        QVERIFY(p.ok);
        QCOMPARE(p.undone, QStringList{QStringLiteral("run 20261202-100000-abcd (2.0.0 → 3.0.0)")});
        QVERIFY(Pairing::fromRecord(second, {second, first}).undone.isEmpty());
    }

    void aChangeByHandAfterTheLastRecordIsNotSkipped()
    {
        // Recorded: 1.0.0 → 2.0.0 (backup 09:00). Then by hand: 2.0.0 → 3.0.0 (backup 11:00,
        // started 11:00:05). The record's pairing would undo both: the host's state wins.
        const qint64 t11 = QDateTime(QDate(2026, 12, 1), QTime(11, 0), Qt::UTC).toSecsSinceEpoch();
        HostInventory inv =
            parse({image('a', "1.0.0", "[\"registry.example.com/myst-studio:1.0.0\"]"),
                   image('b', "2.0.0", "[\"registry.example.com/myst-studio:2.0.0\"]"),
                   image('c', "3.0.0",
                         "[\"registry.example.com/myst-studio:3.0.0\",\"myst-studio:latest\"]"),
                   QStringLiteral("myst-container %1 2026-12-01T11:00:05Z true").arg(id('c')),
                   QStringLiteral("myst-backup %1 100 /m/backup/b9.sql").arg(t11 - 7200),
                   QStringLiteral("myst-backup %1 100 /m/backup/b11.sql").arg(t11)});
        HostRunRecord r = validRecord(); // a → b
        r.targetVersion = QStringLiteral("2.0.0");
        inv.records.ok = true;
        inv.records.records = {r};
        QVERIFY(Pairing::unrecordedChange(inv).contains(QStringLiteral("3.0.0")));
        const RollbackPairing fromRecord = Pairing::fromRecordOnHost(r, inv);
        QVERIFY(fromRecord.hostChangedSince);
        QVERIFY(fromRecord.loses.contains(QStringLiteral("without a record")));
        const RollbackPairing best = Pairing::best(inv);
        QVERIFY2(best.ok, qPrintable(best.why));
        QCOMPARE(best.imageId, id('b')); // what the record left running
        QCOMPARE(best.backupPath, QStringLiteral("/m/backup/b11.sql"));
        QVERIFY(best.why.contains(QStringLiteral("changed after its last record")));
        // Without the change, the record's pairing stands.
        inv.images.removeIf([](const DiscoveredImage& i) { return i.id == id('c'); });
        for (DiscoveredImage& i : inv.images) {
            i.tagged = i.id == id('b'); // b is current again, as the record left it
            i.running = i.tagged;
            i.containerCreated = QDateTime(QDate(2026, 12, 1), QTime(10, 0, 5), Qt::UTC);
        }
        QVERIFY(Pairing::unrecordedChange(inv).isEmpty());
        QCOMPARE(Pairing::best(inv).imageId, id('a'));
    }

    void anUpgradeAlreadyRolledBackIsSaidSoAndNotProposedAgain()
    {
        // Recorded: 1.0.0 -> 2.0.0, then a rollback of it that succeeded: 1.0.0 runs again.
        HostInventory inv =
            parse({image('a', "1.0.0",
                         "[\"registry.example.com/myst-studio:1.0.0\",\"myst-studio:latest\"]"),
                   image('b', "2.0.0", "[\"registry.example.com/myst-studio:2.0.0\"]"),
                   QStringLiteral("myst-container %1 2026-12-01T12:00:05Z true").arg(id('a'))});
        HostRunRecord upgrade = validRecord();
        upgrade.targetVersion = QStringLiteral("2.0.0");
        HostRunRecord rollback;
        rollback.runId = QStringLiteral("20261201-120000-beef");
        rollback.kind = RunKind::Rollback;
        rollback.rollbackOf = upgrade.runId;
        rollback.status = RunStatus::Succeeded;
        rollback.finished = QDateTime(QDate(2026, 12, 1), QTime(12, 1), Qt::UTC);
        rollback.newImageId = id('a');
        inv.records.ok = true;
        inv.records.records = {rollback, upgrade};
        QCOMPARE(Pairing::describeStatus(upgrade, inv.records.records),
                 QStringLiteral("succeeded, rolled back on 2026-12-01 12:01 UTC"));
        QCOMPARE(Pairing::describeStatus(rollback, inv.records.records),
                 QStringLiteral("succeeded"));
        const RollbackPairing best = Pairing::best(inv);
        QVERIFY(!best.ok);
        QVERIFY2(best.why.contains(QStringLiteral("already rolled back by run "
                                                  "20261201-120000-beef")),
                 qPrintable(best.why));
        // Chosen by its run all the same, it says what a second restore loses.
        const RollbackPairing again = Pairing::fromRecordOnHost(upgrade, inv);
        QVERIFY(again.ok);
        QCOMPARE(again.undoneBy, rollback.runId);
        QVERIFY2(again.loses.startsWith(QStringLiteral("Run 20261201-120000-beef already rolled "
                                                       "it back")),
                 qPrintable(again.loses));
        // A rollback that failed undid nothing.
        inv.records.records[0].status = RunStatus::Failed;
        QCOMPARE(Pairing::describeStatus(upgrade, inv.records.records),
                 QStringLiteral("succeeded"));
        QVERIFY(Pairing::best(inv).ok);
    }

    void aTamperedRecordIsRefused_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("words");
        QTest::newRow("shell in the path") << "backup"
                                           << "/m/b.sql; rm -rf ~"
                                           << "backup path";
        QTest::newRow("image not a digest") << "image"
                                            << "myst-studio"
                                            << "not a sha256 digest";
        QTest::newRow("short image id") << "image"
                                        << "sha256:abcdef012345"
                                        << "not a sha256";
        QTest::newRow("run id") << "run"
                                << "../../etc"
                                << "run ID";
    }

    void aTamperedRecordIsRefused()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(QString, words);
        HostRunRecord r = validRecord();
        if (field == QLatin1String("backup"))
            r.backupPath = value;
        else if (field == QLatin1String("image"))
            r.previousImageId = value;
        else
            r.runId = value;
        QString error;
        QVERIFY(!HostRunRecord::fromJson(r.toJson(), &error));
        QVERIFY2(error.contains(words), qPrintable(error));
        QJsonObject newer = validRecord().toJson();
        newer.insert(QStringLiteral("version"), 2);
        QVERIFY(!HostRunRecord::fromJson(newer, &error));
    }
};

QTEST_GUILESS_MAIN(TestRollbackPairing)
#include "TestRollbackPairing.moc"
