#include "core/ssh/UploadBlocks.h"

#include <QTest>

using namespace myst;

// What is left to send after the host's record, and how blocks come and go between channels.
class TestUploadBlocks : public QObject
{
    Q_OBJECT
private slots:
    void plansTheGapsBetweenRecordedBlocks()
    {
        UploadBlocks b(100, 30);
        b.markDone(0, 10);
        b.markDone(40, 20); // 40..60
        b.markDone(50, 20); // overlaps: 40..70
        b.plan();
        QCOMPARE(b.doneBytes(), qint64(40));
        QCOMPARE(b.completePrefix(), qint64(10));
        QList<QPair<qint64, qint64>> got;
        while (auto block = b.takeNext())
            got.append({block->offset, block->length});
        const QList<QPair<qint64, qint64>> want{{10, 30}, {70, 30}};
        QCOMPARE(got, want);
    }

    void aGivenBackBlockIsSentNextAndThePrefixJoins()
    {
        UploadBlocks b(90, 30);
        b.plan();
        const auto first = b.takeNext();
        const auto second = b.takeNext();
        b.markDone(second->offset, second->length);
        QCOMPARE(b.completePrefix(), qint64(0)); // a gap at the start
        b.giveBack(*first);                      // its channel dropped
        QCOMPARE(b.takeNext()->offset, qint64(0));
        b.markDone(first->offset, first->length);
        QCOMPARE(b.completePrefix(), qint64(60));
        QVERIFY(!b.complete());
        const auto third = b.takeNext();
        b.markDone(third->offset, third->length);
        QVERIFY(b.complete());
        QVERIFY(!b.takeNext());
    }
};

QTEST_GUILESS_MAIN(TestUploadBlocks)
#include "TestUploadBlocks.moc"
