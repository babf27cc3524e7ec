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
    return isBeforeBoot(lineTimestampAsUtc(line), bootUtc, hostUtcOffsetSeconds);
}

QDateTime LogClock::stamp(const QString& line)
{
    const QDateTime dated = lineTimestampAsUtc(line);
    if (dated.isValid())
        return m_last = dated;
    static const QRegularExpression timeOnly(
        QStringLiteral("^(\\d{2}):(\\d{2}):(\\d{2})(?:[.,]\\d{1,6})?\\s"));
    const QRegularExpressionMatch m = timeOnly.match(line);
    if (!m.hasMatch())
        return m_last; // a stack trace's lines belong to the entry they follow
    if (!m_last.isValid())
        return {};
    const QTime time(m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt());
    if (!time.isValid())
        return {};
    QDateTime t(m_last.date(), time, QTimeZone::utc());
    if (t < m_last.addSecs(-6 * 3600)) // 23:59 then 00:00: the next day
        t = t.addDays(1);
    return m_last = t;
}

bool isBeforeBoot(const QDateTime& local, const QDateTime& bootUtc, int hostUtcOffsetSeconds)
{
    if (!local.isValid() || !bootUtc.isValid())
        return false;
    // Local time L in a zone UTC+o is the instant L - o; the later of the two readings must
    // still be before the boot.
    const qint64 latest = qMax<qint64>(0, -qint64(hostUtcOffsetSeconds));
    return local.addSecs(latest + 5) < bootUtc;
}

} // namespace myst
