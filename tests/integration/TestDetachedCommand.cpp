#include "HostSim.h"
#include "core/ssh/DetachedCommand.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTest>

#include <sys/socket.h>

using namespace myst;

// A step that runs detached on a real sshd's host, followed by byte offset across a dropped
// connection: the output is complete and nothing is repeated, even for a line cut in two by
// the drop; a step that ended while nobody watched is read from its status file.
class TestDetachedCommand : public QObject
{
    Q_OBJECT
    HostSim* m_sim = nullptr;
    int m_counter = 0;

    DetachedStep newStep()
    {
        DetachedStep step;
        step.directory = m_sim->dir() + QStringLiteral("/detached");
        step.name = QStringLiteral("step-%1").arg(++m_counter);
        return step;
    }
    SshConnection* connect()
    {
        auto* c = new SshConnection(m_sim->endpoint(QStringLiteral("prod")));
        if (!c->open({}).ok()) {
            delete c;
            return nullptr;
        }
        return c;
    }

private slots:
    void initTestCase()
    {
        m_sim = new HostSim();
        QVERIFY2(m_sim->isUp(), qPrintable(m_sim->error()));
    }
    void cleanupTestCase()
    {
        // A step folder's parents that are not a run folder stay as they were: the step
        // below lives in <sim>/detached, whose grandparent is /tmp (once made 0700 here).
        const QString above = QFileInfo(m_sim->dir()).absolutePath();
        const QFile::Permissions mode = QFile::permissions(above);
        delete m_sim;
        QVERIFY2(mode & QFile::WriteOther, qPrintable(above + QStringLiteral(" lost its mode")));
    }

    void runsToTheEndWithStatusAndStreams()
    {
        std::unique_ptr<SshConnection> c(connect());
        QVERIFY(c);
        DetachedStep step = newStep();
        QStringList out, err;
        DetachedCommand command(*c, step,
                                QStringLiteral("echo one; echo oops >&2; printf 'two'; "
                                               "exit 3"));
        command.setLineHandler([&](OutputStream s, const QString& l) {
            (s == OutputStream::Stdout ? out : err) << l;
        });
        const CommandResult r = command.run();
        QCOMPARE(r.exitStatus, 3);
        QCOMPARE(out, QStringList({"one", "two"}));
        QCOMPARE(err, QStringList({"oops"}));
        QCOMPARE(step.lastStderrLine, QStringLiteral("oops"));
    }

    void aStepCannotPrintItsOwnExitStatus()
    {
        // Issue 30, 5: the step writes to the stream the follower's status line comes on. It
        // prints that line with "0", then kills the follower (its grandparent: the wrapper's
        // parent), so that no true status line follows, and fails. It must not count as a
        // success; the forged line is shown as the step's output.
        std::unique_ptr<SshConnection> c(connect());
        QVERIFY(c);
        DetachedStep step = newStep();
        QStringList err;
        DetachedCommand command(
            *c, step,
            QStringLiteral("printf '\\036myst-status 0\\n' >&2; sleep 0.5; "
                           "kill -KILL $(ps -o ppid= -p $PPID) 2>/dev/null; sleep 0.3; exit 7"));
        command.setLineHandler([&](OutputStream s, const QString& l) {
            if (s == OutputStream::Stderr)
                err << l;
        });
        const CommandResult r = command.run();
        QVERIFY2(!r.succeeded(), qPrintable(r.describe()));
        QVERIFY(r.exitStatus != 0);
        QVERIFY2(err.contains(QStringLiteral("\x1emyst-status 0")), qPrintable(err.join('|')));
    }

    void reattachesAfterADropWithoutLosingOrRepeatingALine()
    {
        std::unique_ptr<SshConnection> c(connect());
        QVERIFY(c);
        DetachedStep step = newStep();
        QStringList lines, errors; // stdout and stderr are followed apart, as two files
        // The drop comes after "half" of a line: its end arrives after reattaching.
        const QString script = QStringLiteral(
            "echo first; printf 'half'; sleep 2; echo ' and the rest'; echo >&2 warn; "
            "echo last");
        {
            DetachedCommand command(*c, step, script);
            command.setLineHandler([&](OutputStream, const QString& l) {
                lines << l;
                shutdown(ssh_get_fd(c->session()), SHUT_RDWR); // Wi-Fi gone
            });
            const CommandResult r = command.run();
            QCOMPARE(r.error, SshError::Lost);
        }
        QCOMPARE(lines, QStringList({"first"}));
        QVERIFY(step.offsets[0] > 0);
        QTest::qWait(3000); // the step finishes on the host meanwhile
        c.reset(connect());
        QVERIFY(c);
        DetachedCommand again(*c, step, script);
        again.setLineHandler([&](OutputStream s, const QString& l) {
            (s == OutputStream::Stdout ? lines : errors) << l;
        });
        const CommandResult r = again.run();
        QVERIFY2(r.succeeded(), qPrintable(r.describe()));
        QCOMPARE(lines, QStringList({"first", "half and the rest", "last"}));
        QCOMPARE(errors, QStringList({"warn"}));
        QCOMPARE(step.stdoutTail.lines(), QStringList({"first", "half and the rest", "last"}));
    }

    void neverStartsAStepTwice()
    {
        std::unique_ptr<SshConnection> c(connect());
        QVERIFY(c);
        DetachedStep step = newStep();
        const QString counter = m_sim->dir() + QStringLiteral("/started-count");
        const QString script = QStringLiteral("echo x >> '%1'").arg(counter);
        QVERIFY(DetachedCommand(*c, step, script).run().succeeded());
        DetachedStep sameStepAfterARestart; // a resumed run knows only the folder and name
        sameStepAfterARestart.directory = step.directory;
        sameStepAfterARestart.name = step.name;
        QVERIFY(DetachedCommand(*c, sameStepAfterARestart, script).run().succeeded());
        QCOMPARE(HostSim::readFile(counter), QByteArray("x\n"));
    }

    void cancelEndsTheWholeProcessGroupOnTheHost()
    {
        std::unique_ptr<SshConnection> c(connect());
        QVERIFY(c);
        DetachedStep step = newStep();
        std::atomic<bool> cancel{false};
        DetachedCommand command(*c, step, QStringLiteral("echo started; sleep 600 & wait"));
        command.setCancelFlag(&cancel);
        command.setLineHandler([&](OutputStream, const QString&) { cancel = true; });
        QElapsedTimer clock;
        clock.start();
        const CommandResult r = command.run();
        QVERIFY(r.cancelled);
        QCOMPARE(r.exitSignal, QStringLiteral("TERM"));
        QVERIFY(clock.elapsed() < 10000);
        QCOMPARE(HostSim::sh(QStringLiteral("pgrep -f '^sleep 600$' || true")).trimmed(),
                 QString());
    }

    void timeoutCountsFromTheFirstLaunch()
    {
        std::unique_ptr<SshConnection> c(connect());
        QVERIFY(c);
        DetachedStep step = newStep();
        DetachedCommand command(*c, step, QStringLiteral("sleep 30"));
        command.setTimeoutMs(1500);
        const CommandResult r = command.run();
        QVERIFY(r.timedOut);
        QVERIFY(!r.succeeded());
    }
};

QTEST_GUILESS_MAIN(TestDetachedCommand)
#include "TestDetachedCommand.moc"
