#pragma once

#include "core/journal/Journal.h"
#include "core/ssh/TransferMeter.h"

#include <QElapsedTimer>
#include <QWidget>

class QLabel;
class QProgressBar;

namespace myst {

// An offline image on its way to a host, as one bar for the whole thing, which says the phase
// it is in: 1/3 sending (how much, how fast, how long yet), 2/3 the host checking the sha256
// (it hashes while the blocks arrive, so only the last of them are left), 3/3 docker load and
// tag, with the time since the first byte. Hidden until an upload starts.
class UploadMeter : public QWidget
{
    Q_OBJECT
public:
    explicit UploadMeter(QWidget* parent = nullptr);
    void progress(const QString& role, const TransferProgress& progress);
    // The load step began: the image is in Docker's hands (docker load reports no progress).
    void loadStarted(const QString& role);
    // The upload or the load step ended: its outcome stays on the page.
    void finished(const StepRecord& step, bool isLoad = false);
    void reset();

private:
    QString elapsed() const;

    QProgressBar* m_bar;
    QLabel* m_text;
    QElapsedTimer m_clock; // since the first byte, for the whole thing's time
};

} // namespace myst
