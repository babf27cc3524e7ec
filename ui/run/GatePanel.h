#pragma once

#include "core/plan/Plan.h"

#include <QFrame>

class QLabel;
class QPushButton;

namespace myst {

// The phased gate: non-production is upgraded and verified, production waits. A panel on the
// page, not a dialog that could be dismissed by accident.
class GatePanel : public QFrame
{
    Q_OBJECT
public:
    explicit GatePanel(QWidget* parent = nullptr);
    void setSummary(const QString& summary); // what non-production's verify found
    // The gate of this plan's step: phased (go on to production), blue/green (switch traffic;
    // or, for a manual switch, make the change by hand and confirm it).
    void setGate(const Plan& plan, int index, const QString& summary);

signals:
    void continueClicked();
    void stopClicked();

private:
    QLabel* m_text;
    QPushButton* m_goOn;
};

} // namespace myst
