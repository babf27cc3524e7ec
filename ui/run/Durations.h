#pragma once

#include <QString>

namespace myst {

// "12.3 s": step durations and the outage, in one format.
inline QString formatSeconds(qint64 ms)
{
    return QString::number(ms / 1000.0, 'f', 1) + QStringLiteral(" s");
}

} // namespace myst
