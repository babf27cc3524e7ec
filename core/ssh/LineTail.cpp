#include "core/ssh/LineTail.h"

namespace myst {

void LineTail::append(const QString& line)
{
    const QString kept = line.size() > MaxLineChars ? line.left(MaxLineChars) : line;
    m_lines << kept;
    m_bytes += kept.size() * qsizetype(sizeof(QChar));
    while (m_lines.size() > 1 && (m_lines.size() > m_maxLines || m_bytes > m_maxBytes)) {
        m_bytes -= m_lines.first().size() * qsizetype(sizeof(QChar));
        m_lines.removeFirst();
        ++m_dropped;
    }
}

} // namespace myst
