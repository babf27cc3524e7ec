#include "ui/wizard/UpgradeWizard.h"

#include <QAbstractButton>
#include <QAbstractItemModel>
#include <QCompleter>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
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
                              {QStringLiteral("backupDirectory"), QStringLiteral("/u02/dumps")},
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
        QCOMPARE(prod[QStringLiteral("backupDirectory")].toString(), QStringLiteral("/u02/dumps"));
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

    // Issue 16: an alias of ~/.ssh/config behind a jump host. The page says where it connects,
    // offers the aliases, and saving leaves the jump and the unnamed port as they were.
    void anAliasShowsWhereItConnectsAndKeepsItsJump()
    {
        const QString home = m_dir.filePath(QStringLiteral("home"));
        QDir().mkpath(home + QStringLiteral("/.ssh"));
        QFile config(home + QStringLiteral("/.ssh/config"));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("Host myst-prod\n    HostName 10.20.30.40\n    Port 2222\n    User oracle\n"
                     "    ProxyJump admin@bastion.example.com\n\nHost myst-test\n"
                     "    HostName 10.20.30.41\n\nHost *.internal\n    User ops\n");
        config.close();
        const QByteArray oldHome = qgetenv("HOME");
        qputenv("HOME", home.toUtf8());
        const QJsonObject site{
            {QStringLiteral("knownHosts"), m_dir.filePath(QStringLiteral("known_hosts"))},
            {QStringLiteral("hosts"),
             QJsonObject{
                 {QStringLiteral("prod"),
                  QJsonObject{{QStringLiteral("host"), QStringLiteral("myst-prod")},
                              {QStringLiteral("auth"), QStringLiteral("agent")},
                              {QStringLiteral("useSshConfig"), true},
                              {QStringLiteral("mystHome"), QStringLiteral("/u01/myst-studio")}}}}}};
        const QString path = m_dir.filePath(QStringLiteral("alias-site.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(site).toJson());
        file.close();

        UpgradeWizard w(path);
        w.resize(1000, 760);
        w.show();
        w.next();
        w.next();
        QCOMPARE(w.currentId(), int(UpgradeWizard::HostsId));
        auto* form = w.findChild<QWidget*>(QStringLiteral("prodHostForm"));
        auto* route = form->findChild<QLabel*>(QStringLiteral("routeLabel"));
        QVERIFY(route && route->isVisible());
        QCOMPARE(
            route->text(),
            QStringLiteral("Connects to oracle@10.20.30.40:2222 via admin@bastion.example.com:22"));
        auto* host = form->findChild<QLineEdit*>(QStringLiteral("hostLineEdit"));
        QStringList offered;
        for (int i = 0; i < host->completer()->model()->rowCount(); ++i)
            offered << host->completer()->model()->index(i, 0).data().toString();
        QCOMPARE(offered, (QStringList{QStringLiteral("myst-prod"), QStringLiteral("myst-test")}));
        QDir().mkpath(QStringLiteral("artifacts/gui"));
        w.grab().save(QStringLiteral("artifacts/gui/3c-hosts-ssh-config-alias.png"));
        w.next();
        QVERIFY2(w.currentId() != int(UpgradeWizard::HostsId), "the page did not accept the site");
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject prod = QJsonDocument::fromJson(file.readAll())
                                     .object()[QStringLiteral("hosts")][QStringLiteral("prod")]
                                     .toObject();
        QVERIFY2(!prod.contains(QStringLiteral("port")), "the config's Port would be overridden");
        QCOMPARE(prod[QStringLiteral("useSshConfig")].toBool(), true);
        qputenv("HOME", oldHome);
    }
};

QTEST_MAIN(TestHostsPage)
#include "TestHostsPage.moc"
