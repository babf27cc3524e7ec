#include "ui/run/UploadMeter.h"

#include <QLabel>
#include <QProgressBar>
#include <QTest>

using namespace myst;

// The one bar of an offline image: it names the phase (sending with speed and time left, the
// host checking the sha256, docker load) and ends full. MYST_SHOTS=<folder> saves pictures.
class TestUploadMeter : public QObject
{
    Q_OBJECT

    void shot(QWidget& w, const char* name)
    {
        QCoreApplication::processEvents(); // the layout, for the new text
        const QString dir = qEnvironmentVariable("MYST_SHOTS");
        if (!dir.isEmpty())
            w.grab().save(dir + QLatin1Char('/') + QLatin1String(name) + QStringLiteral(".png"));
    }

private slots:
    void namesEachPhase()
    {
        UploadMeter meter;
        meter.resize(760, 60);
        meter.show();
        auto* label = meter.findChild<QLabel*>(QStringLiteral("uploadProgressLabel"));
        auto* bar = meter.findChild<QProgressBar*>(QStringLiteral("uploadProgressBar"));
        QVERIFY(label && bar);

        TransferProgress p;
        p.total = 4LL << 30;
        p.done = 1LL << 30;
        p.bytesPerSecond = 12.5e6;
        p.etaSeconds = 258;
        meter.progress(QStringLiteral("prod"), p);
        QVERIFY2(label->text().startsWith(QStringLiteral("1/3 Sending to prod")),
                 qPrintable(label->text()));
        QVERIFY(label->text().contains(QStringLiteral("/s")));
        QVERIFY(label->text().contains(QStringLiteral("258 s left")));
        QCOMPARE(bar->value(), 250);
        shot(meter, "upload-meter-1-sending");

        p.done = p.total;
        p.last = true;
        meter.progress(QStringLiteral("prod"), p);
        QVERIFY2(label->text().startsWith(QStringLiteral("2/3 Checking the sha256")),
                 qPrintable(label->text()));
        shot(meter, "upload-meter-2-checking");

        StepRecord upload;
        upload.role = QStringLiteral("prod");
        upload.status = StepStatus::Succeeded;
        upload.message = QStringLiteral("sent 4.00 GiB; sha256 confirmed by the host");
        meter.finished(upload);
        QVERIFY(label->text().startsWith(QStringLiteral("Uploaded to prod")));
        meter.loadStarted(QStringLiteral("prod"));
        QVERIFY2(label->text().contains(QStringLiteral("3/3 loading the image into Docker")),
                 qPrintable(label->text()));
        QCOMPARE(bar->value(), bar->maximum());
        shot(meter, "upload-meter-3-loading");

        StepRecord load = upload;
        load.message = QStringLiteral("myst-studio is now sha256:052472a86d08 (2.1.0)");
        meter.finished(load, true);
        QVERIFY2(label->text().startsWith(QStringLiteral("Uploaded to prod and loaded")),
                 qPrintable(label->text()));
        QCOMPARE(bar->value(), bar->maximum());
        shot(meter, "upload-meter-4-done");
    }
};

QTEST_MAIN(TestUploadMeter)
#include "TestUploadMeter.moc"
