#include "core/ssh/OutputFrame.h"

#include <cstring>

namespace myst {

QByteArray OutputFrame::feed(const char* data, int size)
{
    if (m_started) {
        return QByteArray(data, size);
    }
    m_before.append(data, size);
    const qsizetype at = m_before.indexOf(FrameMarker);
    if (at < 0) {
        // Keep only what could be the start of a marker cut by this read: a banner is not kept.
        const qsizetype keep = qsizetype(std::strlen(FrameMarker)) - 1;
        if (m_before.size() > keep)
            m_before = m_before.right(keep);
        return {};
    }
    m_started = true;
    const QByteArray rest = m_before.mid(at + qsizetype(std::strlen(FrameMarker)));
    m_before.clear();
    return rest;
}

} // namespace myst
