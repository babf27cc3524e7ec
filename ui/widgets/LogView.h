#pragma once

#include <QAbstractScrollArea>
#include <QColor>
#include <QList>
#include <QTextLayout>

#include <deque>

namespace myst {

// A read-only view of many log lines: a ring buffer (appending and trimming at the cap cost
// the lines added, nothing more) and painting of the visible lines only. QPlainTextEdit with a
// block cap stalled the event loop for ~100 ms whenever its document compacted after trims.
// Monospace, so widths are arithmetic. Selection is by whole lines, which suits a log.
class LogView : public QAbstractScrollArea
{
    Q_OBJECT
public:
    struct Line
    {
        QString text;
        QList<QTextLayout::FormatRange> formats; // ANSI colours; empty: the kind's colour
        int kind = 0;                            // 0 stdout, 1 stderr, 2 the wizard's note
    };

    explicit LogView(QWidget* parent = nullptr);

    void setKindColor(int kind, const QColor& color, bool bold = false);
    void setMaximumLines(int lines);
    int maximumLines() const { return m_max; }
    void appendLines(std::vector<Line>& lines); // moves from them
    void clear();
    int lineCount() const { return int(m_lines.size()); }
    const Line& line(int index) const { return m_lines.at(size_t(index)); }
    QString toPlainText() const;
    QString selectedText() const;
    bool isAtEnd() const;
    void scrollToEnd();
    // Finds the next line containing needle after the current match, wrapping once.
    bool find(const QString& needle, bool* wrapped = nullptr);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    int visibleRows() const;
    int lineAt(int y) const;
    void updateScrollBars();
    void trim();
    void copySelection() const;

    std::deque<Line> m_lines;
    int m_max = 100000;
    int m_lineHeight = 14;
    int m_charWidth = 8;
    int m_ascent = 11;
    int m_longest = 0; // characters; only grows (cheap, and keeps the scroll range stable)
    QColor m_colors[3];
    bool m_bold[3] = {false, false, true};
    int m_selectAnchor = -1;
    int m_selectEnd = -1;
    int m_matchLine = -1;
    int m_matchColumn = 0;
    int m_matchLength = 0;
};

} // namespace myst
