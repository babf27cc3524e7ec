#pragma once

#include "core/journal/Journal.h"
#include "core/plan/Plan.h"

#include <QDateTime>
#include <QTimer>
#include <QTreeWidget>

namespace myst {

// The steps of the page's runs, one row each: status icon, title (its command as tooltip, and
// its outcome once done), host and duration; the running step's duration counts up. A
// rollback started after an upgrade appends its rows below the upgrade's.
class StepTable : public QTreeWidget
{
    Q_OBJECT
public:
    enum Column
    {
        StatusColumn,
        StepColumn,
        HostColumn,
        DurationColumn
    };

    explicit StepTable(QWidget* parent = nullptr);

    // Rows for a run's steps, after those already there; the run's step indexes count from
    // its first row. A `heading` row ("Rollback") sets a run apart from the one before, as
    // the log does, rather than a prefix on every title that would not fit.
    void addRun(const Plan& plan, const QString& heading = {});
    // Drops the current run's rows, heading too (a run started again after its lock was broken).
    void dropRun();
    // A step that succeeded before this page (a continued run).
    void showDone(int index, const StepRecord& step);
    void stepStarted(int index, const StepRecord& step);
    void stepFinished(int index, const StepRecord& step);
    // The run ended: nothing is running any more.
    void stopClock();
    // The width that shows every title whole (the page gives the steps up to half of it).
    int fittingWidth() const;
    void clearRuns(); // not reset(): that is QAbstractItemView's, called by clear()

protected:
    // Keeps the running step in view when the gate panel or a second log takes room.
    void resizeEvent(QResizeEvent* event) override;

private:
    QTreeWidgetItem* row(int index) const { return topLevelItem(m_firstRow + index); }
    void tick();

    int m_firstRow = 0;      // the current run's first row
    int m_runRow = 0;        // ...or its heading's
    int m_running = -1;      // its running step's index
    QDateTime m_stepStarted; // wall clock, as the journal: a resumed step counts from its start
    QTimer m_timer;
};

} // namespace myst
