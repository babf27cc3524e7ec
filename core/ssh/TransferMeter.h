#pragma once

#include <QElapsedTimer>
#include <QMetaType>

#include <optional>

namespace myst {

// A transfer as the user follows it: how far, how fast (over this attempt), how long to go.
struct TransferProgress
{
    qint64 done = 0;  // bytes on the host, including what an earlier attempt left there
    qint64 total = 0; // bytes of the whole file
    qint64 sent = 0;  // bytes sent by this attempt
    double bytesPerSecond = 0;
    double etaSeconds = -1; // -1 while unknown
    bool last = false;      // the whole file is there
};

// Turns a stream of (done, total) callbacks into at most one TransferProgress per interval,
// plus always the first and the last, so that a GUI or a JSON consumer is not flooded.
class TransferMeter
{
public:
    explicit TransferMeter(qint64 intervalMs = 250) : m_intervalMs(intervalMs) {}

    std::optional<TransferProgress> update(qint64 done, qint64 total)
    {
        if (!m_clock.isValid())
            m_clock.start();
        return update(done, total, m_clock.elapsed());
    }
    // With the time given, for tests.
    std::optional<TransferProgress> update(qint64 done, qint64 total, qint64 nowMs);

private:
    qint64 m_intervalMs;
    QElapsedTimer m_clock;
    qint64 m_firstDone = -1;
    qint64 m_firstMs = 0;
    qint64 m_lastReportMs = -1;
};

} // namespace myst

Q_DECLARE_METATYPE(myst::TransferProgress)
