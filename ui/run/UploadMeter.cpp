#include "ui/run/UploadMeter.h"
#include "ui/widgets/PlainText.h"

#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QVBoxLayout>

namespace myst {

UploadMeter::UploadMeter(QWidget* parent) : QWidget(parent)
{
    m_bar = new QProgressBar(this);
    m_bar->setObjectName(QStringLiteral("uploadProgressBar"));
    m_bar->setRange(0, 1000);
    m_bar->setTextVisible(false);
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("uploadProgressLabel"));
    // The phase and its figures above the bar, at full width: they are long (a role, sizes, a
    // speed, the time left) and the bar beside them was squeezed.
    m_text->setWordWrap(true);
    plaintext::makePlain(m_text);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_text);
    layout->addWidget(m_bar);
    reset();
}

void UploadMeter::reset()
{
    m_bar->hide();
    m_text->clear();
    m_clock.invalidate();
    hide();
}

void UploadMeter::progress(const QString& role, const TransferProgress& p)
{
    const QLocale locale;
    if (!m_clock.isValid())
        m_clock.start();
    show();
    m_bar->show();
    m_bar->setValue(p.total > 0 ? int(p.done * 1000 / p.total) : 1000);
    QString text =
        tr("1/3 Sending to %1: %2 of %3")
            .arg(role, locale.formattedDataSize(p.done), locale.formattedDataSize(p.total));
    if (p.bytesPerSecond > 0)
        text += tr(", %1/s").arg(locale.formattedDataSize(qint64(p.bytesPerSecond)));
    if (p.etaSeconds > 0)
        text += tr(", %1 s left").arg(qRound(p.etaSeconds));
    if (p.last)
        text =
            tr("2/3 Checking the sha256 of %1 on %2").arg(locale.formattedDataSize(p.total), role);
    m_text->setText(text);
}

void UploadMeter::loadStarted(const QString& role)
{
    show();
    m_bar->show();
    m_bar->setValue(m_bar->maximum()); // the bytes are there; docker load reports no progress
    m_text->setText(tr("Uploaded to %1; 3/3 loading the image into Docker%2").arg(role, elapsed()));
}

void UploadMeter::finished(const StepRecord& step, bool isLoad)
{
    show();
    const bool ok = step.status == StepStatus::Succeeded;
    if (ok)
        m_bar->setValue(m_bar->maximum());
    else
        m_bar->hide();
    if (isLoad) {
        m_text->setText(ok ? tr("Uploaded to %1 and loaded into Docker%2: %3")
                                 .arg(step.role, elapsed(), step.message)
                           : tr("Loading the image on %1 failed: %2").arg(step.role, step.message));
    } else {
        m_text->setText(ok ? tr("Uploaded to %1%2: %3").arg(step.role, elapsed(), step.message)
                           : tr("Upload to %1 stopped: %2").arg(step.role, step.message));
    }
}

QString UploadMeter::elapsed() const
{
    return m_clock.isValid()
               ? tr(" (%1 s since the first byte)").arg(qRound(m_clock.elapsed() / 1000.0))
               : QString();
}

} // namespace myst
