#pragma once

#include "core/journal/Journal.h"
#include "core/ssh/TransferMeter.h"

#include <QWidget>

class QLabel;
class QProgressBar;

namespace myst {

// An offline image on its way to a host: a bar, and what is done, how fast, how long yet.
// Hidden until an upload starts.
class UploadMeter : public QWidget
{
    Q_OBJECT
public:
    explicit UploadMeter(QWidget* parent = nullptr);
    void progress(const QString& role, const TransferProgress& progress);
    // The upload step ended: its outcome stays on the page.
    void finished(const StepRecord& step);
    void reset();

private:
    QProgressBar* m_bar;
    QLabel* m_text;
};

} // namespace myst
