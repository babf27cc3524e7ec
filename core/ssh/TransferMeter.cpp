#include "core/ssh/TransferMeter.h"

namespace myst {

std::optional<TransferProgress> TransferMeter::update(qint64 done, qint64 total, qint64 nowMs)
{
    if (m_firstDone < 0) {
        m_firstDone = done;
        m_firstMs = nowMs;
    }
    TransferProgress p;
    p.done = done;
    p.total = total;
    p.sent = done - m_firstDone;
    p.last = done >= total;
    const bool first = m_lastReportMs < 0;
    if (!first && !p.last && nowMs - m_lastReportMs < m_intervalMs) {
        return std::nullopt;
    }
    m_lastReportMs = nowMs;
    const qint64 elapsedMs = nowMs - m_firstMs;
    if (elapsedMs > 0 && p.sent > 0) {
        p.bytesPerSecond = p.sent * 1000.0 / elapsedMs;
        p.etaSeconds = (total - done) / p.bytesPerSecond;
    }
    if (p.last) {
        p.etaSeconds = 0;
    }
    return p;
}

} // namespace myst
