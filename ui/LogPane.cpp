#include "LogPane.h"

#include "AnsiText.h"

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
    m_flushTimer.setInterval(50);
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
    m_pending.append({stream == OutputStream::Stderr ? 1 : 0, line});
    if (!m_flushTimer.isActive()) {
        m_flushTimer.start();
    }
}

void LogPane::appendNote(const QString& text)
{
    m_pending.append({2, text});
    if (!m_flushTimer.isActive()) {
        m_flushTimer.start();
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
    // Only the last maxLines can survive the cap: skip the rest instead of inserting it.
    const int max = m_view->maximumBlockCount();
    const int first = max > 0 ? qMax(0, int(m_pending.size()) - max) : 0;
    QTextCursor cursor(m_view->document());
    cursor.movePosition(QTextCursor::End);
    cursor.beginEditBlock();
    const bool empty = m_view->document()->isEmpty();
    for (int i = first; i < m_pending.size(); ++i) {
        if (!(empty && i == first)) {
            cursor.insertBlock();
        }
        const auto& [kind, line] = m_pending.at(i);
        if (kind == 2 || !line.contains(QChar(0x1b))) {
            cursor.insertText(line, m_formats[kind]);
        } else {
            for (const AnsiSegment& segment : parseAnsi(line, m_formats[kind])) {
                cursor.insertText(segment.text, segment.format);
            }
        }
    }
    cursor.endEditBlock();
    m_pending.clear();
    if (m_following) {
        bar->setValue(bar->maximum());
    } else {
        bar->setValue(keep);
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
