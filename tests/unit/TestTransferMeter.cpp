#include "core/ssh/TransferMeter.h"

#include <QtTest>

using namespace myst;

// What the progress bar and the upload-progress events show: rate over this attempt only,
// ETA from it, and not more than one report per interval (but always the first and the last).
class TestTransferMeter : public QObject
{
    Q_OBJECT
private slots:
    void reportsAreThrottledButFirstAndLastAlwaysCome()
    {
        TransferMeter meter(250);
        QVERIFY(meter.update(0, 1000, 0));
        QVERIFY(!meter.update(100, 1000, 100));
        QVERIFY(!meter.update(200, 1000, 200));
        QVERIFY(meter.update(300, 1000, 300));
        const auto last = meter.update(1000, 1000, 310);
        QVERIFY(last);
        QVERIFY(last->last);
        QCOMPARE(last->etaSeconds, 0.0);
    }

    void rateAndEtaCountOnlyThisAttempt()
    {
        TransferMeter meter(0);
        // Resumed at 600 of 1000 bytes: 600 were there already, not sent now.
        const auto first = meter.update(600, 1000, 1000);
        QCOMPARE(first->sent, 0);
        QCOMPARE(first->etaSeconds, -1.0);                // unknown until something moved
        const auto later = meter.update(800, 1000, 3000); // 200 bytes in 2 s
        QCOMPARE(later->sent, 200);
        QCOMPARE(later->bytesPerSecond, 100.0);
        QCOMPARE(later->etaSeconds, 2.0);
    }
};

QTEST_APPLESS_MAIN(TestTransferMeter)
#include "TestTransferMeter.moc"
