// ~/.ssh/config read as OpenSSH reads it (issue 16), and known_hosts names hashed as it hashes
// them: first value wins, Host patterns with negation, Include, %h, ProxyJump hops.
#include "core/ssh/KnownHosts.h"
#include "core/ssh/SshConfig.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace myst;

class TestSshConfig : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    SshConfigFiles write(const QByteArray& user, const QByteArray& system = {})
    {
        SshConfigFiles files{m_dir.filePath(QStringLiteral("config")),
                             m_dir.filePath(QStringLiteral("ssh_config"))};
        for (const auto& [path, text] : {std::pair{files.user, user}, {files.system, system}}) {
            QFile f(path);
            f.open(QIODevice::WriteOnly);
            f.write(text);
        }
        return files;
    }

private slots:
    void firstValueWinsAndPatternsMatchAsOpenSshDoes()
    {
        QFile inc(m_dir.filePath(QStringLiteral("extra.conf")));
        inc.open(QIODevice::WriteOnly);
        inc.write("Host myst-*\n  IdentityFile ~/.ssh/from-include\n");
        inc.close();
        const SshConfigFiles files =
            write("Host myst-prod\n  HostName %h.corp.example.com\n  Port 2200\n"
                  "Host myst-* !myst-test\n  User oracle\n  Port 9999\n"
                  "Include " +
                      m_dir.filePath(QStringLiteral("extra.conf")).toUtf8() +
                      "\n"
                      "Host *\n  User = nobody\n  HashKnownHosts yes\n",
                  "Host *\n  Port 2022\n  HashKnownHosts no\n");
        SshConfigEntry prod = lookupSshConfig(QStringLiteral("myst-prod"), files);
        QCOMPARE(prod.hostName, QStringLiteral("myst-prod.corp.example.com"));
        QCOMPARE(prod.port, 2200); // the first Port obtained, not 9999 or the system's
        QCOMPARE(prod.user, QStringLiteral("oracle"));
        QCOMPARE(prod.identityFiles, QStringList{QStringLiteral("~/.ssh/from-include")});
        QCOMPARE(prod.hashKnownHosts, std::optional<bool>(true));
        SshConfigEntry test = lookupSshConfig(QStringLiteral("myst-test"), files);
        QCOMPARE(test.user, QStringLiteral("nobody")); // the negated pattern rejected that block
        QCOMPARE(test.port, 2022);                     // the system file fills what is left
        QCOMPARE(sshConfigAliases(files), QStringList{QStringLiteral("myst-prod")});
    }

    void theSiteOverridesOnlyWhatItNames()
    {
        const SshConfigFiles files = write("Host prod\n  HostName 10.0.0.5\n  Port 2222\n"
                                           "  User oracle\n  ProxyJump ops@bastion:2022,gw\n"
                                           "Host bastion\n  HostName 10.0.0.1\n"
                                           "Host gw\n  User gate\n  ProxyJump nowhere\n");
        SshEndpoint site;
        site.host = QStringLiteral("prod");
        site.portSet = false;
        site.processConfig = true;
        site.knownHostsFile = QStringLiteral("/tmp/kh");
        SshEndpoint r = resolveEndpoint(site, files);
        QCOMPARE(r.host, QStringLiteral("10.0.0.5"));
        QCOMPARE(r.port, 2222);
        QCOMPARE(r.user, QStringLiteral("oracle"));
        QCOMPARE(int(r.jumps.size()), 2);
        QCOMPARE(r.jumps[0].host, QStringLiteral("10.0.0.1"));
        QCOMPARE(r.jumps[0].port, 2022);
        QCOMPARE(r.jumps[0].user, QStringLiteral("ops"));
        QCOMPARE(r.jumps[1].user,
                 QStringLiteral("gate")); // a later hop's own ProxyJump is not used
        QCOMPARE(r.jumps[1].knownHostsFile, QStringLiteral("/tmp/kh"));
        QCOMPARE(describeRoute(r),
                 QStringLiteral("oracle@10.0.0.5:2222 via ops@10.0.0.1:2022, then gate@gw:22"));

        site.port = 22;
        site.portSet = true; // the site named port 22: it wins
        site.user = QStringLiteral("admin");
        r = resolveEndpoint(site, files);
        QCOMPARE(r.port, 22);
        QCOMPARE(r.user, QStringLiteral("admin"));
        site.processConfig = false; // without useSshConfig the file means nothing
        QCOMPARE(resolveEndpoint(site, files).host, QStringLiteral("prod"));
    }

    void proxyJumpIsParsedStrictly()
    {
        QString error;
        auto hops =
            parseProxyJump(QStringLiteral("ssh://a@b.example.com:2222,c.example.com:22"), &error);
        QVERIFY(error.isEmpty());
        QCOMPARE(int(hops.size()), 2);
        QCOMPARE(hops[0].user, QStringLiteral("a"));
        QCOMPARE(hops[1].host, QStringLiteral("c.example.com"));
        QVERIFY(parseProxyJump(QStringLiteral("none"), &error).empty());
        QVERIFY(parseProxyJump(QStringLiteral("a@b;rm -rf /"), &error).empty());
        QVERIFY(!error.isEmpty());
    }

    void hashedNamesAreWhatOpenSshAndLibsshRead()
    {
        ssh_key key = nullptr;
        QCOMPARE(ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key), SSH_OK);
        const QString file = m_dir.filePath(QStringLiteral("known_hosts"));
        QString error;
        QVERIFY(addKnownHost(file, "[10.0.0.5]:2222", key, true, &error));
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY(text.startsWith("|1|"));
        QVERIFY(!text.contains("10.0.0.5"));
        QCOMPARE(checkKnownHosts(text, "[10.0.0.5]:2222", key).verdict, HostKeyVerdict::Known);
        QCOMPARE(checkKnownHosts(text, "10.0.0.5", key).verdict, HostKeyVerdict::Unknown);
        // OpenSSH's own reader agrees.
        const int rc = QProcess::execute(
            QStringLiteral("ssh-keygen"),
            {QStringLiteral("-F"), QStringLiteral("[10.0.0.5]:2222"), QStringLiteral("-f"), file});
        QCOMPARE(rc, 0);
        ssh_key_free(key);
    }
};

QTEST_GUILESS_MAIN(TestSshConfig)
#include "TestSshConfig.moc"
