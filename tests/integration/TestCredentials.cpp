#include "core/site/Credentials.h"

#include <QSignalSpy>
#include <QTest>

using namespace myst;

// Runs inside tests/run-with-keyring.sh: a real gnome-keyring on a private D-Bus session.
class TestCredentials : public QObject
{
    Q_OBJECT

    KeychainResult call(std::function<void(Credentials::Callback)> op)
    {
        KeychainResult out;
        bool done = false;
        op([&](const KeychainResult& r) {
            out = r;
            done = true;
        });
        [&] { QTRY_VERIFY_WITH_TIMEOUT(done, 15000); }();
        return out;
    }

private slots:
    void writeReadDelete()
    {
        const QString key = QStringLiteral("oracle@myst-prod.example.com:22");
        const QString secret = QStringLiteral("s3cr3t with spaces & ünïcode");

        KeychainResult r = call([&](auto cb) { Credentials::store(key, secret, this, cb); });
        QVERIFY2(r.ok, qPrintable(r.error));

        r = call([&](auto cb) { Credentials::read(key, this, cb); });
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY(r.found);
        QCOMPARE(r.secret, secret);

        r = call([&](auto cb) { Credentials::remove(key, this, cb); });
        QVERIFY2(r.ok, qPrintable(r.error));

        r = call([&](auto cb) { Credentials::read(key, this, cb); });
        QVERIFY(r.ok);     // nothing stored is not an error…
        QVERIFY(!r.found); // …but nothing is found
    }

    void keysAreSeparatePerEndpoint()
    {
        const QString a = QStringLiteral("oracle@a:22"), b = QStringLiteral("oracle@a:2222");
        QVERIFY(call([&](auto cb) { Credentials::store(a, QStringLiteral("one"), this, cb); }).ok);
        QVERIFY(call([&](auto cb) { Credentials::store(b, QStringLiteral("two"), this, cb); }).ok);
        QCOMPARE(call([&](auto cb) { Credentials::read(a, this, cb); }).secret,
                 QStringLiteral("one"));
        QCOMPARE(call([&](auto cb) { Credentials::read(b, this, cb); }).secret,
                 QStringLiteral("two"));
    }

    void missingBackendIsAClearMessage()
    {
        // Registered a second time in CTest with no D-Bus session at all.
        if (!qEnvironmentVariableIsSet("MYST_TEST_NO_KEYRING")) {
            QSKIP("runs in the no-keyring registration only");
        }
        const KeychainResult r = call([&](auto cb) {
            Credentials::store(QStringLiteral("a@b:22"), QStringLiteral("x"), this, cb);
        });
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(QStringLiteral("keychain"), Qt::CaseInsensitive),
                 qPrintable(r.error));
    }

    void callbackIsDroppedWithItsContext()
    {
        auto* context = new QObject;
        bool called = false;
        Credentials::read(QStringLiteral("x@y:1"), context,
                          [&](const KeychainResult&) { called = true; });
        delete context;
        QTest::qWait(1500);
        QVERIFY(!called);
    }
};

QTEST_GUILESS_MAIN(TestCredentials)
#include "TestCredentials.moc"
