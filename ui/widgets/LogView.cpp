#include "ui/widgets/LogView.h"

#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QFontDatabase>
#include <QKeyEvent>
#include <QMenu>
#include <QPainter>
#include <QScrollBar>

namespace myst {

LogView::LogView(QWidget* parent) : QAbstractScrollArea(parent)
{
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    const QFontMetrics metrics(font());
    m_lineHeight = metrics.height();
    m_charWidth = qMax(1, metrics.horizontalAdvance(QLatin1Char('M')));
    m_ascent = metrics.ascent();
    m_colors[0] = palette().color(QPalette::Text);
    m_colors[1] = QColor(0xb2, 0x18, 0x18);
    m_colors[2] = QColor(0x1c, 0x3f, 0xd1);
    viewport()->setBackgroundRole(QPalette::Base);
    viewport()->setAutoFillBackground(true);
    viewport()->setCursor(Qt::IBeamCursor);
    setFocusPolicy(Qt::StrongFocus);
    verticalScrollBar()->setSingleStep(1);
    connect(verticalScrollBar(), &QScrollBar::valueChanged, viewport(),
            qOverload<>(&QWidget::update));
    connect(horizontalScrollBar(), &QScrollBar::valueChanged, viewport(),
            qOverload<>(&QWidget::update));
}

void LogView::setKindColor(int kind, const QColor& color, bool bold)
{
    m_colors[kind] = color;
    m_bold[kind] = bold;
}

void LogView::setMaximumLines(int lines)
{
    m_max = qMax(1, lines);
    trim();
    updateScrollBars();
}

int LogView::visibleRows() const
{
    return qMax(1, viewport()->height() / m_lineHeight);
}

bool LogView::isAtEnd() const
{
    return verticalScrollBar()->value() >= verticalScrollBar()->maximum();
}

void LogView::scrollToEnd()
{
    verticalScrollBar()->setValue(verticalScrollBar()->maximum());
}

void LogView::updateScrollBars()
{
    verticalScrollBar()->setPageStep(visibleRows());
    verticalScrollBar()->setRange(0, qMax(0, lineCount() - visibleRows()));
    const int columns = viewport()->width() / m_charWidth;
    horizontalScrollBar()->setPageStep(columns);
    horizontalScrollBar()->setRange(0, qMax(0, m_longest + 2 - columns));
}

void LogView::trim()
{
    const int excess = lineCount() - m_max;
    if (excess <= 0) {
        return;
    }
    m_lines.erase(m_lines.begin(), m_lines.begin() + excess);
    // Indexes into the buffer move with it.
    auto shift = [excess](int& index) {
        index = index < 0 ? -1 : (index - excess < 0 ? -1 : index - excess);
    };
    shift(m_selectAnchor);
    shift(m_selectEnd);
    shift(m_matchLine);
}

void LogView::appendLines(std::vector<Line>& lines)
{
    if (lines.empty()) {
        return;
    }
    QScrollBar* bar = verticalScrollBar();
    const bool following = isAtEnd();
    const int before = bar->value();
    const int oldCount = lineCount();
    for (Line& l : lines) {
        m_longest = qMax(m_longest, int(l.text.size()));
        m_lines.push_back(std::move(l));
    }
    const int added = int(lines.size());
    lines.clear();
    trim();
    updateScrollBars();
    if (following) {
        scrollToEnd();
    } else {
        // Keep the lines the reader looks at in place, as far as the cap allows.
        const int trimmed = qMax(0, oldCount + added - lineCount());
        bar->setValue(qMax(0, before - trimmed));
    }
    viewport()->update();
}

void LogView::clear()
{
    m_lines.clear();
    m_longest = 0;
    m_selectAnchor = m_selectEnd = m_matchLine = -1;
    updateScrollBars();
    viewport()->update();
}

QString LogView::toPlainText() const
{
    QString all;
    for (const Line& l : m_lines) {
        all += l.text;
        all += QLatin1Char('\n');
    }
    all.chop(1);
    return all;
}

QString LogView::selectedText() const
{
    if (m_selectAnchor < 0 || m_selectEnd < 0) {
        return {};
    }
    QStringList out;
    for (int i = qMin(m_selectAnchor, m_selectEnd); i <= qMax(m_selectAnchor, m_selectEnd); ++i) {
        out << line(i).text;
    }
    return out.join(QLatin1Char('\n'));
}

bool LogView::find(const QString& needle, bool* wrapped)
{
    if (wrapped) {
        *wrapped = false;
    }
    if (needle.isEmpty() || m_lines.empty()) {
        return false;
    }
    const int count = lineCount();
    const int start = m_matchLine < 0 ? verticalScrollBar()->value() : m_matchLine + 1;
    for (int n = 0; n < count; ++n) {
        const int i = (start + n) % count;
        const int column = line(i).text.indexOf(needle, 0, Qt::CaseInsensitive);
        if (column < 0) {
            continue;
        }
        if (wrapped && i < start) {
            *wrapped = true;
        }
        m_matchLine = i;
        m_matchColumn = column;
        m_matchLength = int(needle.size());
        if (i < verticalScrollBar()->value() || i >= verticalScrollBar()->value() + visibleRows()) {
            verticalScrollBar()->setValue(i - visibleRows() / 2);
        }
        viewport()->update();
        return true;
    }
    return false;
}

int LogView::lineAt(int y) const
{
    return qBound(0, verticalScrollBar()->value() + y / m_lineHeight, qMax(0, lineCount() - 1));
}

void LogView::paintEvent(QPaintEvent*)
{
    QPainter painter(viewport());
    painter.setFont(font());
    const int first = verticalScrollBar()->value();
    const int x0 = 4 - horizontalScrollBar()->value() * m_charWidth;
    const int last = qMin(lineCount(), first + visibleRows() + 1);
    const int selLow = qMin(m_selectAnchor, m_selectEnd),
              selHigh = qMax(m_selectAnchor, m_selectEnd);
    QFont bold = font();
    bold.setBold(true);
    for (int i = first; i < last; ++i) {
        const Line& l = line(i);
        const int y = (i - first) * m_lineHeight;
        const bool selected = selLow >= 0 && i >= selLow && i <= selHigh;
        if (selected) {
            painter.fillRect(0, y, viewport()->width(), m_lineHeight,
                             palette().color(QPalette::Highlight));
        }
        if (i == m_matchLine) {
            painter.fillRect(x0 + m_matchColumn * m_charWidth, y, m_matchLength * m_charWidth,
                             m_lineHeight, QColor(0xff, 0xe0, 0x60));
        }
        if (l.formats.isEmpty() || selected) {
            painter.setFont(m_bold[l.kind] ? bold : font());
            painter.setPen(selected ? palette().color(QPalette::HighlightedText)
                                    : m_colors[l.kind]);
            painter.drawText(x0, y + m_ascent, l.text);
        } else {
            QTextLayout layout(l.text, font());
            layout.setFormats(l.formats);
            layout.beginLayout();
            QTextLine textLine = layout.createLine();
            layout.endLayout();
            if (textLine.isValid()) {
                textLine.setPosition(QPointF(0, 0));
                painter.setPen(m_colors[l.kind]);
                layout.draw(&painter, QPointF(x0, y));
            }
        }
    }
}

void LogView::resizeEvent(QResizeEvent* event)
{
    const bool following = isAtEnd();
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
    if (following) {
        scrollToEnd();
    }
}

void LogView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || m_lines.empty()) {
        return;
    }
    const int i = lineAt(int(event->position().y()));
    if (event->modifiers() & Qt::ShiftModifier && m_selectAnchor >= 0) {
        m_selectEnd = i;
    } else {
        m_selectAnchor = m_selectEnd = i;
    }
    viewport()->update();
}

void LogView::mouseMoveEvent(QMouseEvent* event)
{
    if (!(event->buttons() & Qt::LeftButton) || m_selectAnchor < 0) {
        return;
    }
    const int y = int(event->position().y());
    if (y < 0) {
        verticalScrollBar()->setValue(verticalScrollBar()->value() - 1);
    } else if (y > viewport()->height()) {
        verticalScrollBar()->setValue(verticalScrollBar()->value() + 1);
    }
    m_selectEnd = lineAt(qBound(0, y, viewport()->height() - 1));
    viewport()->update();
}

void LogView::copySelection() const
{
    const QString text = selectedText();
    if (!text.isEmpty()) {
        QApplication::clipboard()->setText(text);
    }
}

void LogView::keyPressEvent(QKeyEvent* event)
{
    if (event->matches(QKeySequence::Copy)) {
        copySelection();
    } else if (event->matches(QKeySequence::SelectAll) && !m_lines.empty()) {
        m_selectAnchor = 0;
        m_selectEnd = lineCount() - 1;
        viewport()->update();
    } else if (event->key() == Qt::Key_End || event->matches(QKeySequence::MoveToEndOfDocument)) {
        scrollToEnd();
    } else if (event->key() == Qt::Key_Home ||
               event->matches(QKeySequence::MoveToStartOfDocument)) {
        verticalScrollBar()->setValue(0);
    } else {
        QAbstractScrollArea::keyPressEvent(event);
    }
}

void LogView::contextMenuEvent(QContextMenuEvent* event)
{
    QMenu menu(this);
    QAction* copy = menu.addAction(tr("Copy"), this, &LogView::copySelection);
    copy->setEnabled(m_selectAnchor >= 0);
    menu.addAction(tr("Select all"), this, [this] {
        if (!m_lines.empty()) {
            m_selectAnchor = 0;
            m_selectEnd = lineCount() - 1;
            viewport()->update();
        }
    });
    menu.exec(event->globalPos());
}

} // namespace myst
