#include "ui/run/StepTable.h"

#include "ui/run/Durations.h"
#include "ui/widgets/PlainText.h"

#include <QHeaderView>
#include <QScrollBar>
#include <QStyle>

namespace myst {

StepTable::StepTable(QWidget* parent) : QTreeWidget(parent)
{
    setObjectName(QStringLiteral("stepsTree"));
    setAccessibleName(tr("Steps"));
    setHeaderLabels({QString(), tr("Step"), tr("Host"), tr("Time")});
    // The status column shows an icon; a screen reader reads its name and each row's status.
    headerItem()->setData(StatusColumn, Qt::AccessibleTextRole, tr("Status"));
    setRootIsDecorated(false);
    header()->setSectionResizeMode(StepColumn, QHeaderView::Stretch);
    header()->setSectionResizeMode(StatusColumn, QHeaderView::ResizeToContents);
    header()->setSectionResizeMode(HostColumn, QHeaderView::ResizeToContents);
    header()->setSectionResizeMode(DurationColumn, QHeaderView::ResizeToContents);
    header()->setStretchLastSection(false);
    // By pixel: per item, a half-hidden running step counts as shown and is never scrolled to.
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_timer.setInterval(200);
    connect(&m_timer, &QTimer::timeout, this, &StepTable::tick);
}

void StepTable::clearRuns()
{
    stopClock();
    clear();
    m_firstRow = m_runRow = 0;
}

void StepTable::addRun(const Plan& plan, const QString& heading)
{
    m_runRow = topLevelItemCount();
    if (!heading.isEmpty()) {
        auto* item = new QTreeWidgetItem(this, {QString(), heading});
        item->setFlags(Qt::ItemIsEnabled); // not a step: nothing to select
        QFont bold = item->font(StepColumn);
        bold.setBold(true);
        item->setFont(StepColumn, bold);
    }
    m_firstRow = topLevelItemCount();
    for (const Step& step : plan.steps) {
        auto* item = new QTreeWidgetItem(this, {QString(), step.title, step.role, {}});
        item->setToolTip(StepColumn, plaintext::toolTip(step.commandText()));
    }
}

int StepTable::fittingWidth() const
{
    int width = 2 * frameWidth() + verticalScrollBar()->sizeHint().width();
    for (int column = 0; column < columnCount(); ++column)
        width += qMax(sizeHintForColumn(column), header()->sectionSizeHint(column));
    return width;
}

void StepTable::resizeEvent(QResizeEvent* event)
{
    QTreeWidget::resizeEvent(event);
    // Once the view has laid its rows out at the new size.
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (currentItem())
                scrollToItem(currentItem());
        },
        Qt::QueuedConnection);
}

void StepTable::dropRun()
{
    stopClock();
    while (topLevelItemCount() > m_runRow)
        delete takeTopLevelItem(m_runRow);
    m_firstRow = m_runRow;
}

void StepTable::showDone(int index, const StepRecord& step)
{
    QTreeWidgetItem* item = row(index);
    if (!item) // not a step of the run shown (a guard: runs never overlap)
        return;
    item->setIcon(StatusColumn, style()->standardIcon(step.status == StepStatus::Accepted
                                                          ? QStyle::SP_MessageBoxInformation
                                                          : QStyle::SP_DialogApplyButton));
    item->setData(StatusColumn, Qt::AccessibleTextRole, stepStatusName(step.status));
    item->setText(DurationColumn, formatSeconds(step.started.msecsTo(step.finished)));
}

void StepTable::stepStarted(int index, const StepRecord& step)
{
    QTreeWidgetItem* item = row(index);
    if (!item) // not a step of the run shown (a guard: runs never overlap)
        return;
    item->setIcon(StatusColumn, style()->standardIcon(QStyle::SP_MediaPlay));
    item->setData(StatusColumn, Qt::AccessibleTextRole, stepStatusName(StepStatus::Running));
    setCurrentItem(item);
    m_running = index;
    m_stepStarted = step.started;
    m_timer.start();
}

void StepTable::stepFinished(int index, const StepRecord& step)
{
    QTreeWidgetItem* item = row(index);
    if (!item) // not a step of the run shown (a guard: runs never overlap)
        return;
    const bool ok = step.status == StepStatus::Succeeded;
    // Still "running" at its end: the wizard lost the host, the step goes on there.
    const bool away = step.status == StepStatus::Running;
    const bool accepted = step.status == StepStatus::Accepted; // the operator's judgement
    item->setIcon(StatusColumn, style()->standardIcon(ok         ? QStyle::SP_DialogApplyButton
                                                      : accepted ? QStyle::SP_MessageBoxInformation
                                                      : away     ? QStyle::SP_MessageBoxWarning
                                                                 : QStyle::SP_MessageBoxCritical));
    item->setData(StatusColumn, Qt::AccessibleTextRole, stepStatusName(step.status));
    item->setText(DurationColumn, formatSeconds(step.started.msecsTo(step.finished)));
    item->setToolTip(StepColumn,
                     plaintext::toolTip(step.command + QStringLiteral("\n") + step.message));
    stopClock();
}

void StepTable::stopClock()
{
    m_timer.stop();
    m_running = -1;
}

void StepTable::tick()
{
    if (QTreeWidgetItem* item = m_running >= 0 ? row(m_running) : nullptr)
        item->setText(DurationColumn,
                      formatSeconds(m_stepStarted.msecsTo(QDateTime::currentDateTimeUtc())));
}

} // namespace myst
