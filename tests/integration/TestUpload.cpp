#include "HostSim.h"
#include "core/ssh/RemoteCommand.h"
#include "core/ssh/Upload.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>

#include <sys/socket.h>

using namespace myst;

// Resumable, verified upload against a real sshd. The simulated host's files are local, so
// what arrived is compared byte for byte.
class TestUpload : public QObject
{
    Q_OBJECT
    HostSim* m_sim = nullptr;
    QTemporaryDir m_tmp;
    QString m_file;
    QByteArray m_bytes;

    QString remoteDir() const
    {
        return m_sim->mystHome(QStringLiteral("prod")) + QStringLiteral("/images");
    }
    // Blocks small enough that a 24 MiB file reports progress (and can be stopped) half way;
    // on loopback the blocks would be 32 MiB.
    static UploadOptions smallBlocks()
    {
        UploadOptions o;
        o.blockBytes = 2 * 1024 * 1024;
        return o;
    }
    QString remoteFile() const { return remoteDir() + QStringLiteral("/myst-studio-7.2.0.tar"); }

private slots:
    void initTestCase()
    {
        m_sim = new HostSim();
        QVERIFY2(m_sim->isUp(), qPrintable(m_sim->error()));
        m_bytes.resize(24 * 1024 * 1024);
        QRandomGenerator::global()->fillRange(reinterpret_cast<quint32*>(m_bytes.data()),
                                              m_bytes.size() / 4);
        m_file = m_tmp.filePath(QStringLiteral("myst-studio-7.2.0.tar"));
        QFile f(m_file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(m_bytes);
    }
    void cleanupTestCase() { delete m_sim; }
    void init()
    {
        QFile::remove(remoteFile());
        QFile::remove(remoteFile() + QStringLiteral(".part"));
        QFile::remove(remoteFile() + QStringLiteral(".part.done"));
    }

    void uploadsAndVerifies()
    {
        SshConnection c(m_sim->endpoint(QStringLiteral("prod")));
        QVERIFY(c.open({}).ok());
        qint64 lastDone = -1;
        const UploadResult r = uploadFile(
            c, m_file, remoteDir(), [&](qint64 done, qint64) { lastDone = done; }, nullptr);
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(lastDone, qint64(m_bytes.size()));
        QCOMPARE(r.resumedFrom, qint64(0));
        QCOMPARE(r.sentBytes, qint64(m_bytes.size()));
        QCOMPARE(r.sha256,
                 QString::fromLatin1(
                     QCryptographicHash::hash(m_bytes, QCryptographicHash::Sha256).toHex()));
        QVERIFY(HostSim::readFile(remoteFile()) == m_bytes);
        QVERIFY(!QFile::exists(remoteFile() + QStringLiteral(".part")));
    }

    void resumesAfterADroppedConnection()
    {
        {
            SshConnection c(m_sim->endpoint(QStringLiteral("prod")));
            QVERIFY(c.open({}).ok());
            // Drop the TCP connection for real at about half way, as a lost Wi-Fi would.
            const UploadResult r = uploadFile(
                c, m_file, remoteDir(),
                [&](qint64 done, qint64 total) {
                    if (done >= total / 2)
                        shutdown(ssh_get_fd(c.session()), SHUT_RDWR);
                },
                nullptr, smallBlocks());
            QVERIFY(!r.ok);
            QVERIFY2(r.message.contains(QStringLiteral("dropped")), qPrintable(r.message));
        }
        const QString part = remoteFile() + QStringLiteral(".part");
        // The host's writer ends when its session does. The simulated host is this machine,
        // so wait until no process has the partial file open: then its size is final.
        QTRY_VERIFY_WITH_TIMEOUT(
            HostSim::sh(QStringLiteral("find /proc/[0-9]*/fd -mindepth 1 -maxdepth 1 -lname "
                                       "'%1' 2>/dev/null")
                            .arg(part))
                .trimmed()
                .isEmpty(),
            10000);
        const qint64 partial = QFileInfo(part).size();
        QVERIFY2(partial > 0 && partial < m_bytes.size(), qPrintable(QString::number(partial)));

        SshConnection again(m_sim->endpoint(QStringLiteral("prod")));
        QVERIFY(again.open({}).ok());
        const UploadResult r = uploadFile(again, m_file, remoteDir(), {}, nullptr);
        QVERIFY2(r.ok, qPrintable(r.message));
        // The host resumes from the blocks it recorded complete (the bytes of a block cut off
        // by the drop are in the .part but not recorded, and are sent again).
        QVERIFY2(r.resumedFrom > 0 && r.resumedFrom <= partial,
                 qPrintable(QString::number(r.resumedFrom)));
        QCOMPARE(r.sentBytes, qint64(m_bytes.size()) - r.resumedFrom); // only the rest went
        QVERIFY(HostSim::readFile(remoteFile()) == m_bytes);
    }

    void survivesOneOfSeveralChannelsDropping()
    {
        // Three data channels, small blocks; a third of the way in, one channel's writer (its
        // dd, found by the .part it has open for writing) is killed on the host, as a crashed
        // or killed process would be. Its blocks go to the other channels or a new one.
        const QString part = remoteFile() + QStringLiteral(".part");
        SshConnection c(m_sim->endpoint(QStringLiteral("prod")));
        QVERIFY(c.open({}).ok());
        UploadOptions options;
        options.channels = 3;
        options.blockBytes = 512 * 1024;
        options.stallSeconds = 20; // a lost block would stall it
        QString killed;
        const UploadResult r = uploadFile(
            c, m_file, remoteDir(),
            [&](qint64 done, qint64 total) {
                if (killed.isEmpty() && done >= total / 3)
                    killed = HostSim::sh(
                        QStringLiteral(
                            "for p in $(find /proc/[0-9]*/fd -mindepth 1 -maxdepth 1 -lname '%1' "
                            "2>/dev/null | cut -d/ -f3 | sort -u); do tr '\\0' ' ' "
                            "< /proc/$p/cmdline | grep -q 'of=' && kill -9 $p && echo $p && "
                            "break; done")
                            .arg(part));
            },
            nullptr, options);
        QVERIFY2(!killed.trimmed().isEmpty(), "a writer was found and killed");
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(r.channels, 3);
        QVERIFY2(r.droppedChannels >= 1, qPrintable(QString::number(r.droppedChannels)));
        QCOMPARE(r.sha256,
                 QString::fromLatin1(
                     QCryptographicHash::hash(m_bytes, QCryptographicHash::Sha256).toHex()));
        QVERIFY(HostSim::readFile(remoteFile()) == m_bytes);
        QVERIFY(!QFile::exists(part));
        QVERIFY(!QFile::exists(part + QStringLiteral(".done")));
    }

    void channelsThatJoinWhileOthersSendEndTheUploadRight()
    {
        // Three of four channels open without waiting (as on a long link, where waiting for
        // each would stop the others for two round trips): all four take part, the file is
        // whole, and the session is as it was (blocking) for the commands after the upload.
        SshConnection c(m_sim->endpoint(QStringLiteral("prod")));
        QVERIFY(c.open({}).ok());
        UploadOptions options;
        options.initialChannels = 4;
        options.maxChannels = 4;
        options.blockBytes = 256 * 1024;
        const UploadResult r = uploadFile(c, m_file, remoteDir(), {}, nullptr, options);
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(r.channels, 4);
        QCOMPARE(r.droppedChannels, 0);
        QVERIFY(HostSim::readFile(remoteFile()) == m_bytes);
        QVERIFY(ssh_is_blocking(c.session()));
        const CapturedOutput after = runCaptured(c, QStringLiteral("echo still-here"), 10000);
        QVERIFY2(after.result.succeeded(), qPrintable(after.result.describe()));
        QCOMPARE(after.stdoutLines, QStringList{QStringLiteral("still-here")});
    }

    void resumesSeveralChannelsAfterADroppedConnection()
    {
        UploadOptions options;
        options.channels = 3;
        options.blockBytes = 1024 * 1024;
        {
            SshConnection c(m_sim->endpoint(QStringLiteral("prod")));
            QVERIFY(c.open({}).ok());
            const UploadResult r = uploadFile(
                c, m_file, remoteDir(),
                [&](qint64 done, qint64 total) {
                    if (done >= total / 2)
                        shutdown(ssh_get_fd(c.session()), SHUT_RDWR);
                },
                nullptr, options);
            QVERIFY(!r.ok);
            QVERIFY(r.connectionLost);
        }
        SshConnection again(m_sim->endpoint(QStringLiteral("prod")));
        QVERIFY(again.open({}).ok());
        const UploadResult r = uploadFile(again, m_file, remoteDir(), {}, nullptr, options);
        QVERIFY2(r.ok, qPrintable(r.message));
        QVERIFY2(r.resumedFrom >= qint64(m_bytes.size()) / 2, "the recorded blocks stay");
        QCOMPARE(r.sentBytes, qint64(m_bytes.size()) - r.resumedFrom);
        QVERIFY(HostSim::readFile(remoteFile()) == m_bytes);
    }

    void endsAStaleWriterBeforeResuming()
    {
        // A writer from a dropped attempt that the host has not ended yet: it still holds the
        // partial file open and would append after the size is read. The upload ends it first.
        const QString part = remoteFile() + QStringLiteral(".part");
        QFile f(part);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(m_bytes.left(5 * 1024 * 1024));
        f.close();
        HostSim::sh(QStringLiteral("sh -c 'exec sleep 60' >> '%1' 2>/dev/null &").arg(part));
        const auto holders = [&] {
            return HostSim::sh(QStringLiteral("find /proc/[0-9]*/fd -mindepth 1 -maxdepth 1 "
                                              "-lname '%1' 2>/dev/null")
                                   .arg(part))
                .trimmed();
        };
        QVERIFY(!holders().isEmpty());
        SshConnection c(m_sim->endpoint(QStringLiteral("prod")));
        QVERIFY(c.open({}).ok());
        const UploadResult r = uploadFile(c, m_file, remoteDir(), {}, nullptr);
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(r.resumedFrom, qint64(5 * 1024 * 1024));
        QVERIFY(holders().isEmpty());
        QVERIFY(HostSim::readFile(remoteFile()) == m_bytes);
    }

    void alteredPartialFileIsDetectedAndRemoved()
    {
        const QString part = remoteFile() + QStringLiteral(".part");
        QByteArray damaged = m_bytes.left(3 * 1024 * 1024);
        damaged[1000] = char(damaged[1000] ^ 0x55);
        QFile f(part);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(damaged);
        f.close();
        SshConnection c(m_sim->endpoint(QStringLiteral("prod")));
        QVERIFY(c.open({}).ok());
        const UploadResult r = uploadFile(c, m_file, remoteDir(), {}, nullptr);
        QVERIFY(!r.ok);
        QVERIFY2(r.message.contains(QStringLiteral("Checksum mismatch")), qPrintable(r.message));
        QVERIFY(!QFile::exists(part));
        QVERIFY(!QFile::exists(remoteFile()));
    }

    void cancelledHalfWayThenResumed()
    {
        const QString part = remoteFile() + QStringLiteral(".part");
        {
            SshConnection c(m_sim->endpoint(QStringLiteral("prod")));
            QVERIFY(c.open({}).ok());
            std::atomic<bool> cancel{false};
            const UploadResult r = uploadFile(
                c, m_file, remoteDir(),
                [&](qint64 done, qint64 total) {
                    if (done >= total / 2)
                        cancel = true; // the operator's Cancel
                },
                &cancel, smallBlocks());
            QVERIFY(!r.ok);
            QVERIFY(!r.connectionLost);
            QVERIFY2(r.message.contains(QStringLiteral("cancelled")), qPrintable(r.message));
            QVERIFY(r.sentBytes < qint64(m_bytes.size()));
        }
        QVERIFY(!QFile::exists(remoteFile())); // nothing half-sent under the final name
        SshConnection again(m_sim->endpoint(QStringLiteral("prod")));
        QVERIFY(again.open({}).ok());
        const UploadResult r = uploadFile(again, m_file, remoteDir(), {}, nullptr);
        QVERIFY2(r.ok, qPrintable(r.message));
        QVERIFY2(r.resumedFrom > 0, "the retry continues from what the cancelled attempt sent");
        QCOMPARE(r.resumedFrom + r.sentBytes, qint64(m_bytes.size()));
        QVERIFY(HostSim::readFile(remoteFile()) == m_bytes);
        QVERIFY(!QFile::exists(part));
    }

    void refusesWhenTheHostDiskIsNearlyFull()
    {
        m_sim->setFault(QStringLiteral("prod"), QStringLiteral("df"), QStringLiteral("51200"));
        auto clearFault = qScopeGuard(
            [this] { m_sim->setFault(QStringLiteral("prod"), QStringLiteral("df"), QString()); });
        SshConnection c(m_sim->endpoint(QStringLiteral("prod")));
        QVERIFY(c.open({}).ok());
        const UploadResult r = uploadFile(c, m_file, remoteDir(), {}, nullptr);
        QVERIFY(!r.ok);
        QVERIFY2(r.message.contains(QStringLiteral("Not enough free disk")) &&
                     r.message.contains(QStringLiteral("50 MB free")),
                 qPrintable(r.message));
        QCOMPARE(r.sentBytes, qint64(0)); // checked before a byte went
        QVERIFY(!QFile::exists(remoteFile() + QStringLiteral(".part")));
    }

    void refusesOddRemoteFolders()
    {
        SshConnection c(m_sim->endpoint(QStringLiteral("prod")));
        QVERIFY(c.open({}).ok());
        const UploadResult r =
            uploadFile(c, m_file, QStringLiteral("/tmp/x; touch /tmp/owned"), {}, nullptr);
        QVERIFY(!r.ok);
        QVERIFY(r.message.contains(QStringLiteral("Refusing")));
    }
};

QTEST_GUILESS_MAIN(TestUpload)
#include "TestUpload.moc"
