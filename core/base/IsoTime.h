#pragma once

#include <QDateTime>
#include <QJsonValue>
#include <QString>

namespace myst {

// Times in journals and host records: ISO 8601 in UTC with milliseconds, "" when not set.
inline QString isoUtc(const QDateTime& t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}

inline QDateTime fromIsoUtc(const QJsonValue& v)
{
    return QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
}

} // namespace myst
