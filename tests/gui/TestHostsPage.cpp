#include "ui/wizard/UpgradeWizard.h"

#include <QAbstractButton>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace myst;

// The Hosts page saves the site file from the form; it must change only what the form edits
// (issue 13.5). No host is contacted: Next on the Hosts page only saves.
class TestHostsPage : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString writeSite()
    {
        const QString key = m_dir.filePath(QStringLiteral("id_test"));
        QFile(key).open(QIODevice::WriteOnly); // the form checks that the key file exists
        const QJsonObject site{
            {QStringLiteral("knownHosts"), m_dir.filePath(QStringLiteral("known_hosts"))},
            {QStringLiteral("x-team"), QStringLiteral("middleware on call")},
            {QStringLiteral("settings"), QJsonObject{{QStringLiteral("stepTimeoutSeconds"), 900},
                                                     {QStringLiteral("x-future-setting"), true}}},
            {QStringLiteral("hosts"),
             QJsonObject{
                 {QStringLiteral("prod"),
                  QJsonObject{{QStringLiteral("host"), QStringLiteral("myst-prod")},
                              {QStringLiteral("port"), 22},
                              {QStringLiteral("user"), QStringLiteral("oracle")},
                              {QStringLiteral("auth"), QStringLiteral("key")},
                              {QStringLiteral("identity"), key},
                              {QStringLiteral("mystHome"), QStringLiteral("/u01/myst-studio")},
                              {QStringLiteral("imageDirectory"), QStringLiteral("/u02/images")},
                              {QStringLiteral("useSshConfig"), true},
                              {QStringLiteral("sudo"), true},
                              {QStringLiteral("x-rack"), QStringLiteral("B7")}}},
                 {QStringLiteral("nonprod"),
                  QJsonObject{{QStringLiteral("host"), QStringLiteral("myst-test")},
                              {QStringLiteral("user"), QStringLiteral("oracle")},
                              {QStringLiteral("auth"), QStringLiteral("agent")},
                              {QStringLiteral("mystHome"), QStringLiteral("/opt/myst-studio")}}}}}};
        const QString path = m_dir.filePath(QStringLiteral("site.json"));
        QFile file(path);
        file.open(QIODevice::WriteOnly);
        file.write(QJsonDocument(site).toJson());
        return path;
    }

private slots:
    void savingKeepsWhatThePageDoesNotShow()
    {
        const QString path = writeSite();
        UpgradeWizard w(path);
        w.show();
        w.next(); // Start → Approach (in-place: only the production form is shown)
        w.next(); // → Hosts
        QCOMPARE(w.currentId(), int(UpgradeWizard::HostsId));
        auto* form = w.findChild<QWidget*>(QStringLiteral("prodHostForm"));
        QVERIFY(form);
        auto* port = form->findChild<QSpinBox*>(QStringLiteral("portSpinBox"));
        port->setValue(2222); // the one change the operator makes
        w.next();
        QVERIFY2(w.currentId() != int(UpgradeWizard::HostsId), "the page did not accept the site");

        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject saved = QJsonDocument::fromJson(file.readAll()).object();
        const QJsonObject prod = saved[QStringLiteral("hosts")][QStringLiteral("prod")].toObject();
        QCOMPARE(prod[QStringLiteral("port")].toInt(), 2222);
        QCOMPARE(prod[QStringLiteral("imageDirectory")].toString(), QStringLiteral("/u02/images"));
        QCOMPARE(prod[QStringLiteral("useSshConfig")].toBool(), true);
        QCOMPARE(prod[QStringLiteral("sudo")].toBool(), true);
        QCOMPARE(prod[QStringLiteral("x-rack")].toString(), QStringLiteral("B7"));
        QCOMPARE(prod[QStringLiteral("mystHome")].toString(), QStringLiteral("/u01/myst-studio"));
        const QJsonObject nonprod =
            saved[QStringLiteral("hosts")][QStringLiteral("nonprod")].toObject();
        QCOMPARE(nonprod[QStringLiteral("host")].toString(), QStringLiteral("myst-test"));
        QCOMPARE(saved[QStringLiteral("x-team")].toString(), QStringLiteral("middleware on call"));
        const QJsonObject settings = saved[QStringLiteral("settings")].toObject();
        QCOMPARE(settings[QStringLiteral("stepTimeoutSeconds")].toInt(), 900);
        QCOMPARE(settings[QStringLiteral("x-future-setting")].toBool(), true);
        // It names hosts and key files: for its owner only.
        QCOMPARE(QFile::permissions(path) & (QFile::ReadGroup | QFile::ReadOther), 0);
    }
};

QTEST_MAIN(TestHostsPage)
#include "TestHostsPage.moc"
