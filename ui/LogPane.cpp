#include "LogPane.h"

#include "AnsiText.h"

#include <QElapsedTimer>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QSaveFile>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextCursor>
#include <QToolButton>
#include <QVBoxLayout>

namespace myst {

LogPane::LogPane(const QString& title, QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* bar = new QHBoxLayout;
    auto* heading = new QLabel(QStringLiteral("<b>%1</b>").arg(title.toHtmlEscaped()), this);
    m_find = new QLineEdit(this);
    m_find->setObjectName(QStringLiteral("findLineEdit"));
    m_find->setPlaceholderText(tr("Find in log"));
    m_find->setClearButtonEnabled(true);
    m_find->setMinimumWidth(140);
    auto* save = new QToolButton(this);
    save->setObjectName(QStringLiteral("saveLogButton"));
    save->setText(tr("Save…"));
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("followLabel"));
    bar->addWidget(heading);
    bar->addStretch();
    bar->addWidget(m_status);
    bar->addWidget(m_find);
    bar->addWidget(save);
    layout->addLayout(bar);

    m_view = new QPlainTextEdit(this);
    m_view->setObjectName(QStringLiteral("logView"));
    m_view->setReadOnly(true);
    m_view->setUndoRedoEnabled(false);
    m_view->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_view->setMaximumBlockCount(100000);
    layout->addWidget(m_view);

    m_formats[0].setForeground(palette().color(QPalette::Text));
    m_formats[1].setForeground(QColor(0xb2, 0x18, 0x18)); // stderr: dark red, readable on white
    m_formats[2].setForeground(QColor(0x1c, 0x3f, 0xd1));
    m_formats[2].setFontWeight(QFont::Bold);

    // Lines arrive one signal each; painting them in batches keeps the event loop free.
    m_flushTimer.setSingleShot(true);
    connect(&m_flushTimer, &QTimer::timeout, this, &LogPane::flush);
    connect(m_find, &QLineEdit::returnPressed, this, &LogPane::findNext);
    connect(save, &QToolButton::clicked, this, &LogPane::saveAs);
    connect(m_view->verticalScrollBar(), &QScrollBar::valueChanged, this,
            &LogPane::updateFollowing);
    updateFollowing();
}

void LogPane::setMaximumLines(int lines)
{
    m_view->setMaximumBlockCount(lines);
}

void LogPane::appendLine(OutputStream stream, const QString& line)
{
    enqueue(stream == OutputStream::Stderr ? 1 : 0, line);
}

void LogPane::appendNote(const QString& text)
{
    enqueue(2, text);
}

void LogPane::enqueue(int kind, const QString& line)
{
    m_pending.append({kind, line});
    // Lines beyond the cap would be trimmed as soon as they were shown: drop them already,
    // so memory stays flat however fast a step talks (its log file keeps every line).
    const int max = m_view->maximumBlockCount();
    if (max > 0 && m_pending.size() > max) {
        m_pending.removeFirst();
    }
    if (!m_flushTimer.isActive()) {
        m_flushTimer.start(50);
    }
}

void LogPane::clear()
{
    m_pending.clear();
    m_view->clear();
}

QString LogPane::text() const
{
    return m_view->toPlainText();
}

void LogPane::flush()
{
    if (m_pending.isEmpty()) {
        return;
    }
    QScrollBar* bar = m_view->verticalScrollBar();
    const int keep = bar->value();
    const bool following = m_following; // setValue() below re-evaluates it
    // A time budget per turn keeps the event loop (scrolling, Cancel, Rollback) responsive
    // when a step prints faster than text can be laid out; the rest follows next turn. The
    // batch is sized from what the last one really cost, including endEditBlock(), where the
    // document trims lines beyond the cap (at the cap that is most of the cost).
    QElapsedTimer budget;
    budget.start();
    const int batch = qMin(int(m_pending.size()), m_batchLines);
    QTextCursor cursor(m_view->document());
    cursor.movePosition(QTextCursor::End);
    cursor.beginEditBlock();
    bool empty = m_view->document()->isEmpty();
    int done = 0;
    for (; done < batch; ++done) {
        if ((done & 63) == 63 && budget.elapsed() >= 4 * FlushBudgetMs) {
            break; // safety net: the estimate was far off
        }
        if (!empty) {
            cursor.insertBlock();
        }
        empty = false;
        const auto& [kind, line] = m_pending.at(done);
        if (kind == 2 || !line.contains(QChar(0x1b))) {
            cursor.insertText(line, m_formats[kind]);
        } else {
            for (const AnsiSegment& segment : parseAnsi(line, m_formats[kind])) {
                cursor.insertText(segment.text, segment.format);
            }
        }
    }
    cursor.endEditBlock();
    m_pending.remove(0, done);
    const double msPerLine = qMax(0.0005, double(budget.nsecsElapsed()) / 1e6 / qMax(1, done));
    if (done == batch) { // a full measurement: adapt (a short batch says little)
        m_batchLines = qBound(32, int(FlushBudgetMs / msPerLine), 20000);
    }
    bar->setValue(following ? bar->maximum() : keep);
    m_following = following;
    if (!m_pending.isEmpty()) {
        m_flushTimer.start(0);
    }
}

void LogPane::updateFollowing()
{
    QScrollBar* bar = m_view->verticalScrollBar();
    m_following = bar->value() >= bar->maximum() - 2;
    m_status->setText(m_following ? QString()
                                  : tr("Auto-scroll paused (scroll to the end to resume)"));
}

bool LogPane::findNext()
{
    const QString needle = m_find->text();
    if (needle.isEmpty()) {
        return false;
    }
    if (m_view->find(needle)) {
        return true;
    }
    // Wrap around once from the top.
    QTextCursor top(m_view->document());
    m_view->setTextCursor(top);
    const bool found = m_view->find(needle);
    m_status->setText(found ? tr("Search wrapped") : tr("\"%1\" not found").arg(needle));
    return found;
}

void LogPane::saveAs()
{
    const QString file = QFileDialog::getSaveFileName(
        this, tr("Save log"), QStringLiteral("myst-upgrade.log"), tr("Log files (*.log *.txt)"));
    if (file.isEmpty()) {
        return;
    }
    flush();
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly) || out.write(m_view->toPlainText().toUtf8() + '\n') < 0 ||
        !out.commit()) {
        QMessageBox::warning(this, tr("Save log"),
                             tr("Cannot save %1: %2").arg(file, out.errorString()));
    }
}

} // namespace myst
