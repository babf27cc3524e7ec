#pragma once

#include <QString>
#include <QStringList>

namespace myst {

// The last lines of a command's output, within a line and a byte budget: what a parser needs
// from a step (the end of `docker image inspect`, the "Backed up to" line) without keeping the
// gigabytes a chatty or hostile script can print. Older lines are dropped and counted.
class LineTail
{
public:
    static constexpr int DefaultLines = 2000;
    static constexpr qsizetype DefaultBytes = 1024 * 1024;
    static constexpr qsizetype MaxLineChars = 64 * 1024; // a longer line is kept cut

    explicit LineTail(int maxLines = DefaultLines, qsizetype maxBytes = DefaultBytes)
        : m_maxLines(maxLines), m_maxBytes(maxBytes)
    {
    }

    void append(const QString& line);
    const QStringList& lines() const { return m_lines; }
    qint64 droppedLines() const { return m_dropped; }

private:
    QStringList m_lines;
    qsizetype m_bytes = 0;
    qint64 m_dropped = 0;
    int m_maxLines;
    qsizetype m_maxBytes;
};

} // namespace myst
