#include "ui/run/GatePanel.h"

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
    auto* goOn = new QPushButton(tr("Continue to production"), this);
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

void GatePanel::setSummary(const QString& summary)
{
    m_text->setText(
        tr("<b>Non-production is upgraded and verified.</b> %1<br>Look at non-production's log and "
           "console; production is not touched until you continue.")
            .arg(summary.toHtmlEscaped()));
}

} // namespace myst
