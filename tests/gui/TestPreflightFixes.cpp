#include "HostSim.h"
#include "TestConfig.h"

#include "ui/wizard/UpgradeWizard.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

using namespace myst;

// A console with a self-signed certificate is handled as an unknown host key is: the
// pre-flight page shows its fingerprint and offers to trust it; accepted, the fingerprint is
// pinned in the site file and the checks pass (issue 15). Real TLS: openssl and python's ssl.
class TestPreflightFixes : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QProcess m_console;

    int startTlsConsole()
    {
        const QString cert = m_dir.filePath(QStringLiteral("console.pem"));
        QProcess::execute(QStringLiteral("openssl"),
                          {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                           "/CN=myst-console", "-keyout", cert, "-out", cert});
        const QString server = QStringLiteral(
            "import http.server, ssl, sys\n"
            "class H(http.server.BaseHTTPRequestHandler):\n"
            "    def do_GET(self):\n"
            "        b = b'<footer>MyST Studio 1.0.0</footer>'\n"
            "        self.send_response(200); self.send_header('Content-Length', str(len(b)))\n"
            "        self.end_headers(); self.wfile.write(b)\n"
            "    def log_message(self, *a): pass\n"
            "s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)\n"
            "c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); c.load_cert_chain(sys.argv[1])\n"
            "s.socket = c.wrap_socket(s.socket, server_side=True)\n"
            "print(s.server_address[1], flush=True)\n"
            "s.serve_forever()\n");
        m_console.start(QStringLiteral("python3"), {QStringLiteral("-c"), server, cert});
        if (!m_console.waitForReadyRead(10000))
            return 0;
        return m_console.readLine().trimmed().toInt();
    }

private slots:
    void cleanupTestCase()
    {
        m_console.kill();
        m_console.waitForFinished();
    }

    void anUntrustedConsoleCertificateIsPinnedOnAcceptance()
    {
        HostSim sim;
        QVERIFY2(sim.isUp(), qPrintable(sim.error()));
        const int port = startTlsConsole();
        QVERIFY(port > 0);
        QJsonObject site = QJsonDocument::fromJson(HostSim::readFile(sim.siteFile())).object();
        QJsonObject hosts = site.value("hosts").toObject();
        QJsonObject prod = hosts.value("prod").toObject();
        prod.insert("consoleUrl", QStringLiteral("https://127.0.0.1:%1/").arg(port));
        hosts.insert("prod", prod);
        site.insert("hosts", hosts);
        QFile file(sim.siteFile());
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(site).toJson());
        file.close();

        UpgradeWizard w(sim.siteFile());
        w.show();
        w.next(); // Approach
        w.next(); // Hosts
        w.next(); // Version
        QTest::keyClicks(w.findChild<QLineEdit*>("versionLineEdit"), "2.0.0");
        w.next(); // Pre-flight
        QCOMPARE(w.currentId(), int(UpgradeWizard::PreflightId));
        QPushButton* trust = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((trust = w.findChild<QPushButton*>("applyFixButton")), 30000);
        auto* list = w.findChild<QListWidget*>("checksList");
        QString consoleRow;
        for (int i = 0; i < list->count(); ++i) {
            if (list->item(i)->text().contains("console:"))
                consoleRow = list->item(i)->text();
        }
        QVERIFY2(consoleRow.contains("consoleCertSha256"), qPrintable(consoleRow));
        QVERIFY(!w.button(QWizard::CommitButton)->isEnabled());
        QDir().mkpath(MYST_BINARY_DIR "/artifacts/gui");
        w.grab().save(MYST_BINARY_DIR "/artifacts/gui/5b-preflight-untrusted-console.png");

        QTest::mouseClick(trust, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(w.button(QWizard::CommitButton)->isEnabled(), 30000);
        const QJsonObject saved = QJsonDocument::fromJson(HostSim::readFile(sim.siteFile()))
                                      .object()
                                      .value("hosts")
                                      .toObject()
                                      .value("prod")
                                      .toObject();
        QVERIFY(consoleRow.contains(saved.value("consoleCertSha256").toString()));
        QCOMPARE(saved.value("consoleCertSha256").toString().size(), 95);
        w.grab().save(MYST_BINARY_DIR "/artifacts/gui/5c-preflight-console-pinned.png");
    }
};

QTEST_MAIN(TestPreflightFixes)
#include "TestPreflightFixes.moc"
