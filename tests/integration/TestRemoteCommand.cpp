#include "HostSim.h"
#include "core/base/ShellQuote.h"
#include "core/ssh/RemoteCommand.h"
#include "core/ssh/RemoteCommandJob.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace myst;

// Streaming, exit codes, signals, cancel and timeout against a real sshd.
class TestRemoteCommand : public QObject
{
    Q_OBJECT
    HostSim* m_sim = nullptr;
    SshConnection* m_conn = nullptr;

private slots:
    void initTestCase()
    {
        registerCoreMetaTypes();
        m_sim = new HostSim();
        QVERIFY2(m_sim->isUp(), qPrintable(m_sim->error()));
        m_conn = new SshConnection(m_sim->endpoint(QStringLiteral("prod")));
        QVERIFY(m_conn->open({}).ok());
    }
    void cleanupTestCase()
    {
        delete m_conn;
        delete m_sim;
    }

    void everyLineArrivesInOrderPerStream()
    {
        // 10,000 stdout lines with a stderr line after every 100th.
        const QString script =
            QStringLiteral("i=1; while [ $i -le 10000 ]; do echo \"out $i\"; "
                           "[ $((i % 100)) -eq 0 ] && echo \"err $i\" >&2; i=$((i+1)); done");
        const CapturedOutput out = runCaptured(*m_conn, script);
        QVERIFY(out.result.succeeded());
        QCOMPARE(out.stdoutLines.size(), 10000);
        QCOMPARE(out.stderrLines.size(), 100);
        for (int i = 0; i < 10000; ++i) {
            QCOMPARE(out.stdoutLines.at(i), QStringLiteral("out %1").arg(i + 1));
        }
        for (int i = 0; i < 100; ++i) {
            QCOMPARE(out.stderrLines.at(i), QStringLiteral("err %1").arg((i + 1) * 100));
        }
    }

    void exitStatusIsReported()
    {
        const CapturedOutput out = runCaptured(*m_conn, QStringLiteral("echo bye; exit 3"));
        QCOMPARE(out.result.exitStatus, 3);
        QVERIFY(!out.result.succeeded());
        QCOMPARE(out.result.describe(), QStringLiteral("exit status 3"));
    }

    void killedCommandReportsItsSignal()
    {
        const CapturedOutput out = runCaptured(*m_conn, QStringLiteral("kill -TERM $$"));
        QCOMPARE(out.result.exitSignal, QStringLiteral("TERM"));
        QVERIFY(!out.result.succeeded());
    }

    void argumentsArriveUnchanged()
    {
        const QString hostile = QStringLiteral("x'; echo owned; '$(id)");
        const CapturedOutput out = runCaptured(
            *m_conn, shellCommand({QStringLiteral("printf"), QStringLiteral("%s\\n"), hostile}));
        QCOMPARE(out.stdoutLines, QStringList{hostile});
    }

    void cancelStopsALongCommandAndItsProcess()
    {
        // Cancel once the command runs (the host's login shell may take a while to start it),
        // from another thread, as the GUI's Cancel button would.
        std::atomic<bool> cancel{false};
        std::atomic<bool> started{false};
        RemoteCommand command(*m_conn, QStringLiteral("echo started; sleep 600.5"));
        command.setCancelFlag(&cancel);
        command.setLineHandler([&](OutputStream, const QString& line) {
            if (line == QLatin1String("started"))
                started = true;
        });
        CommandResult result;
        std::unique_ptr<QThread> t(QThread::create([&] { result = command.run(); }));
        t->start();
        QTRY_VERIFY_WITH_TIMEOUT(started.load(), 10000);
        QElapsedTimer clock;
        clock.start();
        cancel = true;
        QTRY_VERIFY_WITH_TIMEOUT(t->isFinished(), 5000);
        QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
        QVERIFY(result.cancelled);
        QVERIFY(!result.succeeded());
        // …and the remote process is gone, not orphaned.
        QTRY_COMPARE_WITH_TIMEOUT(HostSim::sh(QStringLiteral("pgrep -f 'sleep 60[0].5'")).trimmed(),
                                  QString(), 3000);
    }

    void cancelKillsAProcessThatIgnoresTerm()
    {
        std::atomic<bool> cancel{false};
        RemoteCommand command(*m_conn, QStringLiteral("trap '' TERM; echo started; sleep 600.75"));
        command.setCancelFlag(&cancel);
        command.setLineHandler([&](OutputStream, const QString& line) {
            if (line == QLatin1String("started"))
                cancel = true;
        });
        const CommandResult result = command.run();
        QVERIFY(result.cancelled);
        QTRY_COMPARE_WITH_TIMEOUT(
            HostSim::sh(QStringLiteral("pgrep -f 'sleep 60[0].75'")).trimmed(), QString(), 5000);
    }

    void commandsGetNoTerminalInput()
    {
        // A script that prompts must not hang a step waiting for an answer.
        const CapturedOutput out =
            runCaptured(*m_conn, QStringLiteral("read answer; echo \"rc=$?\""), 10000);
        QCOMPARE(out.stdoutLines, QStringList{QStringLiteral("rc=1")});
    }

    void timeoutEndsACommand()
    {
        RemoteCommand command(*m_conn, QStringLiteral("sleep 600.25"));
        command.setTimeoutMs(700);
        QElapsedTimer clock;
        clock.start();
        const CommandResult result = command.run();
        QVERIFY(result.timedOut);
        QCOMPARE(result.describe(), QStringLiteral("timed out"));
        QVERIFY(clock.elapsed() < 3500);
    }

    void jobDeliversLinesWhileRunningAndKeepsTheCallerFree()
    {
        RemoteCommandJob job(m_sim->endpoint(QStringLiteral("prod")), {},
                             QStringLiteral("echo a; sleep 2; echo b >&2; echo c"));
        QSignalSpy lines(&job, &RemoteCommandJob::lineReceived);
        QSignalSpy done(&job, &RemoteCommandJob::finished);
        QElapsedTimer clock;
        clock.start();
        job.start();
        // "a" arrives on this (GUI) thread while the command still runs.
        QTRY_COMPARE_WITH_TIMEOUT(lines.count(), 1, 5000);
        QCOMPARE(lines.at(0).at(1).toString(), QStringLiteral("a"));
        QCOMPARE(done.count(), 0);
        QVERIFY(clock.elapsed() < 1900);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 10000);
        QCOMPARE(lines.count(), 3);
        // Order holds within a stream; SSH does not order stdout against stderr.
        QStringList err;
        for (const QList<QVariant>& l : lines) {
            if (l.at(0).value<OutputStream>() == OutputStream::Stderr) {
                err << l.at(1).toString();
            }
        }
        QCOMPARE(err, QStringList{QStringLiteral("b")});
        QVERIFY(done.at(0).at(0).value<CommandResult>().succeeded());
    }

    void jobReportsConnectFailure()
    {
        SshEndpoint e = m_sim->endpoint(QStringLiteral("prod"));
        e.knownHostsFile = QStringLiteral("/nonexistent/known_hosts");
        RemoteCommandJob job(e, {}, QStringLiteral("true"));
        QSignalSpy failed(&job, &RemoteCommandJob::connectFailed);
        job.start();
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
        QCOMPARE(failed.at(0).at(0).value<SshStatus>().error, SshError::HostKeyUnknown);
    }
};

QTEST_GUILESS_MAIN(TestRemoteCommand)
#include "TestRemoteCommand.moc"
