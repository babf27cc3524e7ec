#pragma once

#include <QFrame>

class QLabel;

namespace myst {

// The phased gate: non-production is upgraded and verified, production waits. A panel on the
// page, not a dialog that could be dismissed by accident.
class GatePanel : public QFrame
{
    Q_OBJECT
public:
    explicit GatePanel(QWidget* parent = nullptr);
    void setSummary(const QString& summary); // what non-production's verify found

signals:
    void continueClicked();
    void stopClicked();

private:
    QLabel* m_text;
};

} // namespace myst
