#include "HostSim.h"
#include "core/ssh/RemoteCommand.h"
#include "core/ssh/SshConnection.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace myst;

// Host-key policy and authentication against a real sshd.
class TestSshConnection : public QObject
{
    Q_OBJECT
    HostSim* m_sim = nullptr;
    QTemporaryDir m_tmp;

    QString hostKeyFingerprint() const
    {
        // What the administrator would compare with, printed by OpenSSH itself.
        const QString out =
            HostSim::sh(QStringLiteral("ssh-keygen -lf '%1/prod/ssh/ssh_host_ed25519_key.pub'")
                            .arg(m_sim->dir()));
        return out.section(QLatin1Char(' '), 1, 1);
    }

private slots:
    void initTestCase()
    {
        m_sim = new HostSim();
        QVERIFY2(m_sim->isUp(), qPrintable(m_sim->error()));
    }
    void cleanupTestCase() { delete m_sim; }

    void knownHostConnectsAndRuns()
    {
        SshConnection c(m_sim->endpoint(QStringLiteral("prod")));
        const SshStatus status = c.open({});
        QVERIFY2(status.ok(), qPrintable(status.message));
        const CapturedOutput out = runCaptured(c, QStringLiteral("echo \"$MYST_HOME\""));
        QVERIFY(out.result.succeeded());
        QCOMPARE(out.stdoutLines, QStringList{m_sim->mystHome(QStringLiteral("prod"))});
    }

    void unknownHostReportsFingerprintAndRunsNothing()
    {
        SshEndpoint e = m_sim->endpoint(QStringLiteral("prod"));
        e.knownHostsFile = m_tmp.filePath(QStringLiteral("unknown/known_hosts"));
        SshConnection c(e);
        const SshStatus status = c.open({});
        QCOMPARE(status.error, SshError::HostKeyUnknown);
        QCOMPARE(status.fingerprint, hostKeyFingerprint());
        QVERIFY(status.fingerprint.startsWith(QLatin1String("SHA256:")));
        QVERIFY(status.message.contains(status.fingerprint));
        QVERIFY(!c.isConnected()); // no session left to run anything on
        QVERIFY(!QFile::exists(e.knownHostsFile));
        QCOMPARE(runCaptured(c, QStringLiteral("true")).result.started, false);
    }

    void trustedFingerprintIsAddedToKnownHosts()
    {
        SshEndpoint e = m_sim->endpoint(QStringLiteral("prod"));
        e.knownHostsFile = m_tmp.filePath(QStringLiteral("trust/known_hosts"));
        SshConnection c(e);
        // A different fingerprint than the server's is not a licence to connect.
        QCOMPARE(c.open({}, QStringLiteral("SHA256:not-the-servers-key")).error,
                 SshError::HostKeyUnknown);
        QVERIFY(c.open({}, hostKeyFingerprint()).ok());
        QVERIFY(HostSim::readFile(e.knownHostsFile).contains("ssh-ed25519"));
        SshConnection again(e);
        QVERIFY(again.open({}).ok()); // now known, no trust needed
    }

    void changedHostKeyIsRefusedAndKnownHostsUntouched()
    {
        SshEndpoint e = m_sim->endpoint(QStringLiteral("prod"));
        const QString other = m_tmp.filePath(QStringLiteral("otherkey"));
        HostSim::sh(QStringLiteral("ssh-keygen -q -t ed25519 -N '' -f '%1'").arg(other));
        const QString otherFp = HostSim::sh(QStringLiteral("ssh-keygen -lf '%1.pub'").arg(other))
                                    .section(QLatin1Char(' '), 1, 1);
        e.knownHostsFile = m_tmp.filePath(QStringLiteral("changed_known_hosts"));
        const QByteArray pub = HostSim::readFile(other + QStringLiteral(".pub"));
        QFile f(e.knownHostsFile);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral("[127.0.0.1]:%1 ").arg(e.port).toUtf8() + pub);
        f.close();
        const QByteArray before = HostSim::readFile(e.knownHostsFile);

        SshConnection c(e);
        // Even a "trusted" fingerprint does not override a changed key.
        const SshStatus status = c.open({}, hostKeyFingerprint());
        QCOMPARE(status.error, SshError::HostKeyChanged);
        QCOMPARE(status.fingerprint, hostKeyFingerprint());
        QCOMPARE(status.knownFingerprint, otherFp);
        QVERIFY(status.message.contains(otherFp));
        QVERIFY(status.message.contains(hostKeyFingerprint()));
        QCOMPARE(HostSim::readFile(e.knownHostsFile), before);
    }

    void wrongKeyNamesOfferedMethods()
    {
        SshEndpoint e = m_sim->endpoint(QStringLiteral("prod"));
        const QString wrong = m_tmp.filePath(QStringLiteral("wrongkey"));
        HostSim::sh(QStringLiteral("ssh-keygen -q -t ed25519 -N '' -f '%1'").arg(wrong));
        e.identityFile = wrong;
        SshConnection c(e);
        SshAuth auth;
        auth.useAgent = false;
        const SshStatus status = c.open(auth);
        QCOMPARE(status.error, SshError::Auth);
        QVERIFY(status.offeredMethods.contains(QStringLiteral("publickey")));
        QVERIFY(status.offeredMethods.contains(QStringLiteral("password")));
        QVERIFY2(status.message.contains(QStringLiteral("offers: publickey, password")),
                 qPrintable(status.message));
    }

    void keyWithPassphrase()
    {
        SshEndpoint e = m_sim->endpoint(QStringLiteral("prod"));
        const QString key = m_tmp.filePath(QStringLiteral("passkey"));
        HostSim::sh(
            QStringLiteral("ssh-keygen -q -t ed25519 -N 'correct horse' -f '%1' && cat '%1.pub' >> "
                           "'%2/prod/ssh/authorized_keys'")
                .arg(key, m_sim->dir()));
        e.identityFile = key;
        SshAuth auth;
        auth.useAgent = false;
        auth.passphrase = QStringLiteral("wrong horse");
        SshConnection wrong(e);
        const SshStatus refused = wrong.open(auth);
        QCOMPARE(refused.error, SshError::Auth);
        QVERIFY2(refused.message.contains(QStringLiteral("wrong passphrase")),
                 qPrintable(refused.message));
        QVERIFY(!refused.message.contains(auth.passphrase));
        auth.passphrase = QStringLiteral("correct horse");
        SshConnection right(e);
        const SshStatus status = right.open(auth);
        QVERIFY2(status.ok(), qPrintable(status.message));
        QVERIFY(runCaptured(right, QStringLiteral("true")).result.succeeded());
    }

    void wrongPasswordNamesOfferedMethods()
    {
        SshEndpoint e = m_sim->endpoint(QStringLiteral("prod"));
        e.identityFile.clear();
        SshConnection c(e);
        SshAuth auth;
        auth.useAgent = false;
        auth.password = QStringLiteral("not-the-password");
        const SshStatus status = c.open(auth);
        QCOMPARE(status.error, SshError::Auth);
        QVERIFY2(status.message.contains(QStringLiteral("Tried: password")),
                 qPrintable(status.message));
        QVERIFY(status.message.contains(QStringLiteral("offers: publickey, password")));
        QVERIFY(!status.message.contains(auth.password)); // the secret is never echoed
    }

    void unreachableHostIsAConnectError()
    {
        SshEndpoint e = m_sim->endpoint(QStringLiteral("prod"));
        e.port = 1; // nothing listens there
        SshConnection c(e);
        QCOMPARE(c.open({}).error, SshError::Connect);
    }
};

QTEST_GUILESS_MAIN(TestSshConnection)
#include "TestSshConnection.moc"
