#include "ui/widgets/LogPane.h"

#include "ui/widgets/AnsiText.h"
#include "ui/widgets/PlainText.h"

#include <QElapsedTimer>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QSaveFile>
#include <QScrollBar>
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
    m_find->setAccessibleName(tr("Find in the %1 log").arg(title));
    m_find->setClearButtonEnabled(true);
    m_find->setMinimumWidth(140);
    auto* save = new QToolButton(this);
    save->setObjectName(QStringLiteral("saveLogButton"));
    save->setText(tr("Save…"));
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("followLabel"));
    plaintext::makePlain(m_status);
    bar->addWidget(heading);
    bar->addStretch();
    bar->addWidget(m_status);
    bar->addWidget(m_find);
    bar->addWidget(save);
    layout->addLayout(bar);

    m_view = new LogView(this);
    m_view->setObjectName(QStringLiteral("logView"));
    // LogView paints its lines itself, so assistive technology sees none of them: its name says
    // whose log it is, its description how far it got (the last line), at most twice a second.
    m_view->setAccessibleName(tr("%1 log").arg(title));
    m_describeTimer.setSingleShot(true);
    m_describeTimer.setInterval(500);
    connect(&m_describeTimer, &QTimer::timeout, this, [this] {
        const int count = m_view->lineCount();
        m_view->setAccessibleDescription(count == 0
                                             ? QString()
                                             : tr("%n line(s); the last: %1", nullptr, count)
                                                   .arg(m_view->line(count - 1).text.left(300)));
    });
    layout->addWidget(m_view);

    m_formats[0].setForeground(palette().color(QPalette::Text));
    m_formats[1].setForeground(QColor(0xb2, 0x18, 0x18)); // stderr: dark red, readable on white
    m_formats[2].setForeground(QColor(0x1c, 0x3f, 0xd1));
    m_formats[2].setFontWeight(QFont::Bold);
    for (int kind = 0; kind < 3; ++kind) {
        m_view->setKindColor(kind, m_formats[kind].foreground().color(), kind == 2);
    }

    // Lines arrive one signal each; showing them in batches keeps the event loop free.
    m_flushTimer.setSingleShot(true);
    connect(&m_flushTimer, &QTimer::timeout, this, &LogPane::flush);
    connect(m_find, &QLineEdit::returnPressed, this, &LogPane::findNext);
    connect(save, &QToolButton::clicked, this, &LogPane::saveAs);
    connect(m_view->verticalScrollBar(), &QScrollBar::valueChanged, this,
            &LogPane::updateFollowing);
    connect(m_view->verticalScrollBar(), &QScrollBar::rangeChanged, this,
            &LogPane::updateFollowing);
}

void LogPane::setMaximumLines(int lines)
{
    m_view->setMaximumLines(lines);
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
    if (m_pending.size() > m_view->maximumLines()) {
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
    m_view->setAccessibleDescription(QString());
}

QString LogPane::text() const
{
    return m_view->toPlainText();
}

void LogPane::flush()
{
    // Converting (ANSI parsing) is the cost now; a time budget per turn keeps the event loop
    // (scrolling, Cancel, Rollback) responsive, the rest follows on the next turn.
    QElapsedTimer budget;
    budget.start();
    std::vector<LogView::Line> lines;
    int done = 0;
    for (; done < m_pending.size(); ++done) {
        if ((done & 255) == 255 && budget.elapsed() >= FlushBudgetMs) {
            break;
        }
        const auto& [kind, text] = m_pending.at(done);
        LogView::Line line;
        line.kind = kind;
        if (kind == 2 || !text.contains(QChar(0x1b))) {
            line.text = text;
        } else {
            for (const AnsiSegment& segment : parseAnsi(text, m_formats[kind])) {
                line.formats.append(
                    {int(line.text.size()), int(segment.text.size()), segment.format});
                line.text += segment.text;
            }
        }
        lines.push_back(std::move(line));
    }
    m_pending.remove(0, done);
    m_view->appendLines(lines);
    if (!m_describeTimer.isActive())
        m_describeTimer.start();
    if (!m_pending.isEmpty()) {
        m_flushTimer.start(0);
    }
}

void LogPane::updateFollowing()
{
    m_status->setText(m_view->isAtEnd() ? QString()
                                        : tr("Auto-scroll paused (scroll to the end to resume)"));
}

bool LogPane::findNext()
{
    bool wrapped = false;
    const bool found = m_view->find(m_find->text(), &wrapped);
    if (!found && !m_find->text().isEmpty()) {
        m_status->setText(tr("\"%1\" not found").arg(m_find->text()));
    } else if (wrapped) {
        m_status->setText(tr("Search wrapped"));
    }
    return found;
}

void LogPane::saveAs()
{
    // Opened, not run: while the operator chooses, the run's lines keep arriving here.
    auto* dialog = new QFileDialog(this, tr("Save log"), QString(), tr("Log files (*.log *.txt)"));
    dialog->setObjectName(QStringLiteral("saveLogDialog"));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->selectFile(QStringLiteral("myst-upgrade.log"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, &LogPane::saveTo);
    dialog->open();
}

void LogPane::saveTo(const QString& file)
{
    flush();
    QSaveFile out(file);
    if (out.open(QIODevice::WriteOnly) && out.write(m_view->toPlainText().toUtf8() + '\n') >= 0 &&
        out.commit())
        return;
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Save log"),
                                tr("Cannot save %1: %2").arg(file, out.errorString()),
                                QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    plaintext::makePlain(box);
    box->open();
}

} // namespace myst
