#pragma once

#include "core/ssh/RemoteCommand.h"
#include "ui/widgets/LogView.h"

#include <QList>
#include <QTextCharFormat>
#include <QTimer>
#include <QWidget>

class QLabel;
class QLineEdit;

namespace myst {

// A live log of one host: stdout and stderr (another colour), ANSI colours rendered, find,
// save, and auto-scroll that pauses while the user reads further up. It keeps at most
// maximumLines in memory; the step log files keep everything.
class LogPane : public QWidget
{
    Q_OBJECT
public:
    explicit LogPane(const QString& title, QWidget* parent = nullptr);

    void setMaximumLines(int lines);
    void appendLine(OutputStream stream, const QString& line);
    void appendNote(const QString& text); // the wizard's own lines (step headers)
    void clear();
    QString text() const;
    bool isFollowing() const { return m_view->isAtEnd(); }
    LogView* view() const { return m_view; }

public slots:
    bool findNext();
    void saveAs();

private:
    static constexpr int FlushBudgetMs = 10;
    void saveTo(const QString& file);
    void enqueue(int kind, const QString& line);
    void flush();
    void updateFollowing();

    LogView* m_view;
    QLineEdit* m_find;
    QLabel* m_status;
    QTimer m_flushTimer;
    QTimer m_describeTimer;               // the view's accessible description: its last line
    QList<QPair<int, QString>> m_pending; // 0 stdout, 1 stderr, 2 note
    QTextCharFormat m_formats[3];
};

} // namespace myst
