#pragma once

#include <QDateTime>
#include <QString>

namespace myst {

// The time a start-up log line says it was written, for telling the current boot from older
// ones that `docker logs -f` replays: Tomcat's "01-Dec-2026 15:06:32.123 INFO [main] …" and
// the ISO-like "2026-12-01 15:06:32 …" at the start of the line. Invalid when it has none.
// The clock is the host's (or its container's) local time, whose zone is not known here:
// the caller gets the time read as UTC and compares with a margin (see isBeforeBoot).
QDateTime lineTimestampAsUtc(const QString& line);

// Whether a line is from before `bootUtc` (the host's clock when the start step began). The
// log may be in UTC (a container's default) or in the host's zone (`date +%z`, in seconds):
// only a line older than the boot read either way counts as older, with a few seconds of
// margin. Lines without a timestamp are never called older.
bool isBeforeBoot(const QString& line, const QDateTime& bootUtc, int hostUtcOffsetSeconds);
// The same for a line's time as read (LogClock::stamp, lineTimestampAsUtc).
bool isBeforeBoot(const QDateTime& lineTime, const QDateTime& bootUtc, int hostUtcOffsetSeconds);

// Reads a log's lines in order and dates each. Tomcat's own lines carry a date; the
// application's (logback's "11:22:10.411 [main] ERROR …") only a time of day, between them. A
// line with a time only takes the date of the dated line before it (the next day when its time
// went back by hours: past midnight), so that a restarted container's earlier boots, which
// `docker logs` replays, are told from this one by all their lines, not only Tomcat's. A line
// with no time at all (a stack trace's) belongs to the entry before it.
class LogClock
{
public:
    QDateTime stamp(const QString& line); // invalid while no dated line has been read

private:
    QDateTime m_last;
};

} // namespace myst
