#include "core/host/LogTimestamps.h"

#include <QLocale>
#include <QRegularExpression>
#include <QTimeZone>

namespace myst {

QDateTime lineTimestampAsUtc(const QString& line)
{
    static const QRegularExpression tomcat(
        QStringLiteral("^(\\d{2}-[A-Z][a-z]{2}-\\d{4} \\d{2}:\\d{2}:\\d{2})"));
    static const QRegularExpression iso(
        QStringLiteral("^(\\d{4}-\\d{2}-\\d{2})[ T](\\d{2}:\\d{2}:\\d{2})"));
    QRegularExpressionMatch m = tomcat.match(line);
    if (m.hasMatch()) {
        QDateTime t =
            QLocale::c().toDateTime(m.captured(1), QStringLiteral("dd-MMM-yyyy HH:mm:ss"));
        t.setTimeZone(QTimeZone::utc());
        return t;
    }
    m = iso.match(line);
    if (m.hasMatch()) {
        QDateTime t = QDateTime::fromString(m.captured(1) + QLatin1Char(' ') + m.captured(2),
                                            QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        t.setTimeZone(QTimeZone::utc());
        return t;
    }
    return {};
}

bool isBeforeBoot(const QString& line, const QDateTime& bootUtc, int hostUtcOffsetSeconds)
{
    const QDateTime local = lineTimestampAsUtc(line);
    if (!local.isValid() || !bootUtc.isValid())
        return false;
    // Local time L in a zone UTC+o is the instant L - o; the later of the two readings must
    // still be before the boot.
    const qint64 latest = qMax<qint64>(0, -qint64(hostUtcOffsetSeconds));
    return local.addSecs(latest + 5) < bootUtc;
}

} // namespace myst
