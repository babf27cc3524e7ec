#include "tests/gui/TestWizard.h"

#include "TestConfig.h"
#include "ui/widgets/LogPane.h"
#include "ui/widgets/LogView.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QLineEdit>
#include <QScrollBar>
#include <QTest>

using namespace myst;

void TestWizard::initTestCase()
{
    if (!qEnvironmentVariableIsEmpty(kWizardToKill))
        return; // the wizard that interruptAnUpgrade kills: its parent has the host
    qputenv("XDG_STATE_HOME", m_state.path().toUtf8());
    m_shots = QStringLiteral(MYST_BINARY_DIR "/artifacts/gui");
    QDir().mkpath(m_shots);
    m_sim = new HostSim();
    QVERIFY2(m_sim->isUp(), qPrintable(m_sim->error()));
}

void TestWizard::logPaneRendersColoursAndKeepsTheCap()
{
    LogPane pane(QStringLiteral("test"));
    pane.setMaximumLines(100);
    pane.resize(600, 300);
    pane.show();
    pane.appendLine(OutputStream::Stdout, QStringLiteral("\x1b[1;31mred\x1b[0m plain"));
    for (int i = 0; i < 500; ++i)
        pane.appendLine(OutputStream::Stderr, QStringLiteral("line %1").arg(i));
    QTRY_VERIFY(pane.text().contains(QStringLiteral("line 499")));
    QCOMPARE(pane.view()->lineCount(), 100);
    QCOMPARE(pane.view()->line(99).text, QStringLiteral("line 499"));
    QVERIFY(pane.isFollowing());
    // Reading further up pauses auto-scroll: new lines do not move the view.
    pane.view()->verticalScrollBar()->setValue(10);
    QVERIFY(!pane.isFollowing());
    pane.appendLine(OutputStream::Stdout, QStringLiteral("one more"));
    QTRY_COMPARE(pane.view()->line(99).text, QStringLiteral("one more"));
    QVERIFY(pane.view()->verticalScrollBar()->value() <= 10);
    // Find scrolls to the match; a whole-line selection copies.
    auto* find = pane.findChild<QLineEdit*>(QStringLiteral("findLineEdit"));
    find->setText(QStringLiteral("line 450"));
    QVERIFY(pane.findNext());
    QTest::mouseClick(pane.view()->viewport(), Qt::LeftButton, {}, QPoint(20, 2));
    QTest::keySequence(pane.view(), QKeySequence::Copy);
    QVERIFY(!QApplication::clipboard()->text().isEmpty());
    QVERIFY(pane.view()->toPlainText().contains(QApplication::clipboard()->text()));
    QVERIFY(!pane.text().contains(QChar(0x1b)));
    pane.clear();
    pane.appendLine(OutputStream::Stdout, QStringLiteral("\x1b[1;31mred\x1b[0m plain"));
    QTRY_COMPARE(pane.text(), QStringLiteral("red plain")); // codes rendered, not printed
    const LogView::Line& first = pane.view()->line(0);
    QCOMPARE(first.formats.size(), 2); // "red" in bold red, then " plain" as stdout
    QCOMPARE(first.formats.first().format.foreground().color(), QColor("#b21818"));
    QCOMPARE(first.formats.first().length, 3);
    // Save opens its dialog and returns: the lines keep arriving while the operator chooses.
    pane.saveAs();
    auto* save = pane.findChild<QFileDialog*>(QStringLiteral("saveLogDialog"));
    QVERIFY(save && save->isVisible());
    const QString saved = m_state.filePath(QStringLiteral("pane.log"));
    save->selectFile(saved);
    static_cast<QDialog*>(save)->accept(); // QFileDialog's own accept() is protected
    QTRY_VERIFY(QFile::exists(saved));
    QCOMPARE(HostSim::readFile(saved), QByteArray("red plain\n"));
}

QTEST_MAIN(TestWizard)
