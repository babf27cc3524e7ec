#include "core/ssh/LineSplitter.h"

namespace myst {

void LineSplitter::emitLine(QByteArray bytes, const Sink& sink)
{
    if (bytes.endsWith('\r')) {
        bytes.chop(1);
    }
    sink(QString::fromUtf8(bytes));
}

void LineSplitter::feed(const char* data, int size, const Sink& sink)
{
    int start = 0;
    for (int i = 0; i < size; ++i) {
        if (data[i] != '\n') {
            continue;
        }
        if (m_pending.isEmpty()) {
            emitLine(QByteArray(data + start, i - start), sink);
        } else {
            m_pending.append(data + start, i - start);
            emitLine(m_pending, sink);
            m_pending.clear();
        }
        start = i + 1;
    }
    m_pending.append(data + start, size - start);
    if (m_pending.size() > MaxLineBytes) {
        emitLine(m_pending, sink);
        m_pending.clear();
    }
}

void LineSplitter::finish(const Sink& sink)
{
    if (!m_pending.isEmpty()) {
        emitLine(m_pending, sink);
        m_pending.clear();
    }
}

} // namespace myst
