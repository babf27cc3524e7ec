#include "ui/run/UploadMeter.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>

namespace myst {

UploadMeter::UploadMeter(QWidget* parent) : QWidget(parent)
{
    m_bar = new QProgressBar(this);
    m_bar->setObjectName(QStringLiteral("uploadProgressBar"));
    m_bar->setRange(0, 1000);
    m_bar->setTextVisible(false);
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("uploadProgressLabel"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_text);
    layout->addWidget(m_bar, 1);
    reset();
}

void UploadMeter::reset()
{
    m_bar->hide();
    m_text->clear();
    hide();
}

void UploadMeter::progress(const QString& role, const TransferProgress& p)
{
    const QLocale locale;
    show();
    m_bar->show();
    m_bar->setValue(p.total > 0 ? int(p.done * 1000 / p.total) : 1000);
    QString text =
        tr("Uploading to %1: %2 of %3")
            .arg(role, locale.formattedDataSize(p.done), locale.formattedDataSize(p.total));
    if (p.bytesPerSecond > 0)
        text += tr(", %1/s").arg(locale.formattedDataSize(qint64(p.bytesPerSecond)));
    if (p.etaSeconds > 0)
        text += tr(", %1 s left").arg(qRound(p.etaSeconds));
    if (p.last)
        text = tr("Uploaded to %1: %2, checking the checksum on the host")
                   .arg(role, locale.formattedDataSize(p.total));
    m_text->setText(text);
}

void UploadMeter::finished(const StepRecord& step)
{
    show();
    m_text->setText(step.status == StepStatus::Succeeded
                        ? tr("Uploaded to %1: %2").arg(step.role, step.message)
                        : tr("Upload to %1 stopped: %2").arg(step.role, step.message));
}

} // namespace myst
