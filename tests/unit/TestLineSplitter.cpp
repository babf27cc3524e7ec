#include "core/ssh/LineSplitter.h"

#include <QTest>

using namespace myst;

class TestLineSplitter : public QObject
{
    Q_OBJECT
private slots:
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
