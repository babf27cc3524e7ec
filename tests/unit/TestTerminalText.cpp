#include "core/base/TerminalText.h"

#include <QTest>

using namespace myst;

// Remote output that would drive the operator's terminal is shown as plain text (issue 13.8).
class TestTerminalText : public QObject
{
    Q_OBJECT
private slots:
    void hostileSequencesAreRemoved_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("shown");
        const QString e(QChar(0x1b));
        QTest::newRow("colour") << e + "[1;31mERROR" + e + "[0m disk"
                                << "ERROR disk";
        QTest::newRow("title (OSC, BEL)") << e + "]0;owned" + QChar(0x07) + "ok"
                                          << "ok";
        QTest::newRow("clipboard (OSC 52, ST)") << e + "]52;c;cm0gLXJmIH4=" + e + "\\ok"
                                                << "ok";
        QTest::newRow("clear screen") << e + "[2J" + e + "[H" + "pull done"
                                      << "pull done";
        QTest::newRow("DCS") << e + "Pq#0;2;0;0;0" + e + "\\x"
                             << "x";
        QTest::newRow("reset") << e + "c" + "text"
                               << "text";
        QTest::newRow("charset") << e + "(Btext"
                                 << "text";
        QTest::newRow("C1 CSI") << QString(QChar(0x9b)) + "31mred"
                                << "red";
        QTest::newRow("carriage return overwrite") << "Backed up to /ok\r/evil"
                                                   << "Backed up to /ok/evil";
        QTest::newRow("backspace and bell") << "a\bb" + QString(QChar(0x07)) << "ab";
        QTest::newRow("bidi override") << QString("file") + QChar(0x202e) + "txt.sh"
                                       << "filetxt.sh";
        QTest::newRow("unterminated OSC") << "before" + e + "]0;never ends"
                                          << "before";
        QTest::newRow("lone ESC at end") << "x" + e << "x";
    }
    void hostileSequencesAreRemoved()
    {
        QFETCH(QString, line);
        QFETCH(QString, shown);
        QCOMPARE(plainTerminalText(line), shown);
    }

    void plainTextIsKept()
    {
        const QString text = QStringLiteral("\tMyST Studio 7.2.0.1 – läuft, 稼働中 ✓");
        QCOMPARE(plainTerminalText(text), text);
    }
};

QTEST_APPLESS_MAIN(TestTerminalText)
#include "TestTerminalText.moc"
