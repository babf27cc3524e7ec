#include "core/ssh/LineSplitter.h"
#include "core/ssh/OutputFrame.h"

#include <QTest>

using namespace myst;

class TestLineSplitter : public QObject
{
    Q_OBJECT
private slots:
    // A login banner before our marker is dropped, also when a read cuts the marker in two,
    // and the bytes after it (in the same read) are kept (issue 15).
    void aLoginBannerBeforeTheMarkerIsDropped()
    {
        OutputFrame frame;
        const QByteArray banner = "ORACLE_HOME=/u01/app/oracle/product/19c ORACLE_SID=MYST\n"
                                  "stty: 'standard input': Inappropriate ioctl for device";
        const QByteArray stream = banner + FrameMarker + "state 0 -1 99999\n";
        QByteArray got;
        for (int cut = 0; cut < stream.size(); cut += 7)
            got +=
                frame.feed(stream.constData() + cut, int(qMin<qsizetype>(7, stream.size() - cut)));
        QVERIFY(frame.started());
        QCOMPARE(got, QByteArray("state 0 -1 99999\n"));
        QCOMPARE(frame.feed("more", 4), QByteArray("more")); // after the marker: everything
        OutputFrame never;
        QVERIFY(never.feed(banner.constData(), int(banner.size())).isEmpty());
        QVERIFY(!never.started());
    }

    void linesSpanningReadsAreJoined()
    {
        LineSplitter splitter;
        QStringList lines;
        auto sink = [&](const QString& l) { lines << l; };
        splitter.feed("al", 2, sink);
        splitter.feed("pha\nbe", 6, sink);
        splitter.feed("ta\r\n\ngam", 8, sink);
        QCOMPARE(lines, (QStringList{"alpha", "beta", ""}));
        splitter.finish(sink);
        QCOMPARE(lines.last(), QStringLiteral("gam"));
    }

    void utf8SplitAcrossReadsIsDecodedWhole()
    {
        LineSplitter splitter;
        QStringList lines;
        const QByteArray text = QStringLiteral("Größe\n").toUtf8();
        splitter.feed(text.constData(), 3, [&](const QString& l) { lines << l; });
        splitter.feed(text.constData() + 3, text.size() - 3, [&](const QString& l) { lines << l; });
        QCOMPARE(lines, QStringList{QStringLiteral("Größe")});
    }

    void overlongLineIsPassedOnInPieces()
    {
        LineSplitter splitter;
        int count = 0;
        const QByteArray big(LineSplitter::MaxLineBytes + 10, 'x');
        splitter.feed(big.constData(), big.size(), [&](const QString&) { ++count; });
        QCOMPARE(count, 1);
    }
};

QTEST_GUILESS_MAIN(TestLineSplitter)
#include "TestLineSplitter.moc"
