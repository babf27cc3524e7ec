#include "core/base/ShellQuote.h"

#include <QProcess>
#include <QTest>

using namespace myst;

class TestShellQuote : public QObject
{
    Q_OBJECT
private slots:
    void scriptsRunFromTheirFolder()
    {
        QCOMPARE(hostCommandLine({QStringLiteral("/u01/myst-studio/bin/pull.sh"),
                                  QStringLiteral("7.2.0.1-mysql8")}),
                 QStringLiteral("cd -- /u01/myst-studio/bin && ./pull.sh 7.2.0.1-mysql8"));
        QCOMPARE(hostCommandLine({QStringLiteral("/my st/bin/x.sh"), QStringLiteral("a b")}),
                 QStringLiteral("cd -- '/my st/bin' && ./x.sh 'a b'"));
        QCOMPARE(hostCommandLine({QStringLiteral("docker"), QStringLiteral("tag")}),
                 QStringLiteral("docker tag"));
    }

    void plainWordsStayReadable()
    {
        QCOMPARE(shellQuote(QStringLiteral("/opt/myst-studio/bin/pull.sh")),
                 QStringLiteral("/opt/myst-studio/bin/pull.sh"));
        QCOMPARE(shellQuote(QStringLiteral("7.2.0-mysql8")), QStringLiteral("7.2.0-mysql8"));
    }

    void hostileArgumentsSurviveTheShell_data()
    {
        QTest::addColumn<QString>("argument");
        QTest::newRow("semicolon") << QStringLiteral("/x; rm -rf ~");
        QTest::newRow("quote") << QStringLiteral("it's");
        QTest::newRow("subst") << QStringLiteral("$(id) `id` ${HOME}");
        QTest::newRow("newline") << QStringLiteral("a\nb");
        QTest::newRow("empty") << QString();
        QTest::newRow("glob") << QStringLiteral("* ? [a]");
        QTest::newRow("dash") << QStringLiteral("-rf");
    }

    void hostileArgumentsSurviveTheShell()
    {
        // A real shell must hand the argument back byte for byte, and run nothing else.
        QFETCH(QString, argument);
        QProcess sh;
        sh.start(QStringLiteral("/bin/sh"),
                 {QStringLiteral("-c"), QStringLiteral("printf '%s' ") + shellCommand({argument})});
        QVERIFY(sh.waitForFinished());
        QCOMPARE(QString::fromUtf8(sh.readAllStandardOutput()), argument);
    }

    void argvKeepsItsBoundaries()
    {
        QProcess sh;
        sh.start(QStringLiteral("/bin/sh"),
                 {QStringLiteral("-c"),
                  QStringLiteral("printf '<%s>' ") +
                      shellCommand({QStringLiteral("a b"), QString(), QStringLiteral("c")})});
        QVERIFY(sh.waitForFinished());
        QCOMPARE(sh.readAllStandardOutput(), QByteArray("<a b><><c>"));
    }
};

QTEST_GUILESS_MAIN(TestShellQuote)
#include "TestShellQuote.moc"
