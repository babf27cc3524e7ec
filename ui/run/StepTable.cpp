#include "ui/run/StepTable.h"

#include "ui/run/Durations.h"

#include <QHeaderView>
#include <QStyle>

namespace myst {

StepTable::StepTable(QWidget* parent) : QTreeWidget(parent)
{
    setObjectName(QStringLiteral("stepsTree"));
    setHeaderLabels({QString(), tr("Step"), tr("Host"), tr("Time")});
    setRootIsDecorated(false);
    header()->setSectionResizeMode(StepColumn, QHeaderView::Stretch);
    header()->setSectionResizeMode(StatusColumn, QHeaderView::ResizeToContents);
    header()->setSectionResizeMode(HostColumn, QHeaderView::ResizeToContents);
    header()->setSectionResizeMode(DurationColumn, QHeaderView::ResizeToContents);
    header()->setStretchLastSection(false);
    m_timer.setInterval(200);
    connect(&m_timer, &QTimer::timeout, this, &StepTable::tick);
}

void StepTable::clearRuns()
{
    stopClock();
    clear();
    m_firstRow = 0;
}

void StepTable::addRun(const Plan& plan, const QString& prefix)
{
    m_firstRow = topLevelItemCount();
    for (const Step& step : plan.steps) {
        auto* item = new QTreeWidgetItem(this, {QString(), prefix + step.title, step.role, {}});
        item->setToolTip(StepColumn, step.commandText());
    }
}

void StepTable::dropRun()
{
    stopClock();
    while (topLevelItemCount() > m_firstRow)
        delete takeTopLevelItem(m_firstRow);
}

void StepTable::showDone(int index, const StepRecord& step)
{
    QTreeWidgetItem* item = row(index);
    item->setIcon(StatusColumn, style()->standardIcon(QStyle::SP_DialogApplyButton));
    item->setText(DurationColumn, formatSeconds(step.started.msecsTo(step.finished)));
}

void StepTable::stepStarted(int index, const StepRecord& step)
{
    QTreeWidgetItem* item = row(index);
    item->setIcon(StatusColumn, style()->standardIcon(QStyle::SP_MediaPlay));
    setCurrentItem(item);
    m_running = index;
    m_stepStarted = step.started;
    m_timer.start();
}

void StepTable::stepFinished(int index, const StepRecord& step)
{
    QTreeWidgetItem* item = row(index);
    const bool ok = step.status == StepStatus::Succeeded;
    // Still "running" at its end: the wizard lost the host, the step goes on there.
    const bool away = step.status == StepStatus::Running;
    item->setIcon(StatusColumn, style()->standardIcon(ok     ? QStyle::SP_DialogApplyButton
                                                      : away ? QStyle::SP_MessageBoxWarning
                                                             : QStyle::SP_MessageBoxCritical));
    item->setText(DurationColumn, formatSeconds(step.started.msecsTo(step.finished)));
    item->setToolTip(StepColumn, step.command + QStringLiteral("\n") + step.message);
    stopClock();
}

void StepTable::stopClock()
{
    m_timer.stop();
    m_running = -1;
}

void StepTable::tick()
{
    if (m_running >= 0)
        row(m_running)->setText(
            DurationColumn, formatSeconds(m_stepStarted.msecsTo(QDateTime::currentDateTimeUtc())));
}

} // namespace myst
