#pragma once

#include "core/journal/Journal.h"

#include <QMap>
#include <QSplitter>

namespace myst {

class LogPane;

// One live log per host, side by side: non-production left of production, in the order a
// phased run goes. Each pane is named after its host (prodLogPane, nonprodLogPane).
class HostLogs : public QSplitter
{
    Q_OBJECT
public:
    explicit HostLogs(QWidget* parent = nullptr);

    // The host's pane, made on first use.
    LogPane* pane(const QString& role);
    int hostCount() const { return int(m_panes.size()); }
    void reset();
    // Continuing a run: what a step that finished before showed, read back from its log file.
    void replay(const StepRecord& step);

private:
    QMap<QString, LogPane*> m_panes;
};

} // namespace myst
