#pragma once

#include <QList>
#include <QWidget>

namespace myst {

// Tab goes through `groups` in the order given, and through each group's controls in the order
// they were made. Qt's default is the order of creation across the whole window, which puts
// controls made later (a log pane per host, made when a run starts) after the page's buttons.
inline void chainTabOrder(const QList<QWidget*>& groups)
{
    if (groups.isEmpty())
        return;
    QWidget* const window = groups.first()->window();
    QWidget* previous = nullptr;
    auto link = [&previous, window](QWidget* w) {
        // A dialog or popup made by a group is a window of its own, with its own Tab chain.
        if (!(w->focusPolicy() & Qt::TabFocus) || w->window() != window)
            return;
        if (previous)
            QWidget::setTabOrder(previous, w);
        previous = w;
    };
    for (QWidget* group : groups) {
        link(group);
        for (QWidget* child : group->findChildren<QWidget*>())
            link(child);
    }
}

} // namespace myst
