#include "ui/run/GatePanel.h"
#include "core/journal/RunNames.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace myst {

GatePanel::GatePanel(QWidget* parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("gatePanel"));
    setFrameShape(QFrame::StyledPanel);
    setStyleSheet(QStringLiteral("#gatePanel { background: #fff6d5; border: 1px solid #c0a000; }"));
    m_text = new QLabel(this);
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::RichText); // the program's own markup; what it quotes is escaped
    auto* goOn = m_goOn = new QPushButton(tr("Continue to production"), this);
    goOn->setObjectName(QStringLiteral("gateContinueButton"));
    auto* stop = new QPushButton(tr("Stop here"), this);
    stop->setObjectName(QStringLiteral("gateStopButton"));
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(m_text, 1);
    layout->addWidget(stop);
    layout->addWidget(goOn);
    connect(goOn, &QPushButton::clicked, this, &GatePanel::continueClicked);
    connect(stop, &QPushButton::clicked, this, &GatePanel::stopClicked);
}

void GatePanel::setGate(const Plan& plan, int index, const QString& summary)
{
    const Step step = plan.steps.value(index);
    if (plan.approach != Approach::ZeroDowntime) {
        m_goOn->setText(tr("Continue to production"));
        setSummary(summary);
        return;
    }
    if (step.kind == StepKind::SwitchTraffic) { // the manual switch
        m_goOn->setText(tr("I have switched to %1").arg(step.role));
        m_text->setText(tr("<b>Switch traffic to %1 by hand now.</b> %2")
                            .arg(step.role.toHtmlEscaped(), summary.toHtmlEscaped()));
        return;
    }
    m_goOn->setText(tr("Switch traffic to %1").arg(step.role));
    m_text->setText(tr("<b>%1 is upgraded and verified; %2 still serves.</b> %3<br>Look at %1's "
                       "log and console first.")
                        .arg(step.role.toHtmlEscaped(), step.sourceRole.toHtmlEscaped(),
                             summary.toHtmlEscaped()));
}

void GatePanel::setSummary(const QString& summary)
{
    m_goOn->setText(tr("Continue to production"));
    m_text->setText(
        tr("<b>Non-production is upgraded and verified.</b> %1<br>Look at non-production's log and "
           "console; production is not touched until you continue.")
            .arg(summary.toHtmlEscaped()));
}

} // namespace myst
