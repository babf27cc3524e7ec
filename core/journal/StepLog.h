#pragma once

#include <QFile>
#include <QString>

namespace myst {

// A step's log file on this computer, with a size cap: when the file reaches half of it, it
// becomes <name>.1 (replacing an older .1) and a new file goes on, so the log never takes more
// than the cap on disk, and it says how much output was left out. Every line is made plain
// text first (TerminalText): the file will be shown with cat or less.
class StepLog
{
public:
    void open(const QString& path, bool truncate, qint64 capBytes);
    bool isOpen() const { return m_file.isOpen(); }
    void write(const QByteArray& text); // the log's own "# …" lines, each line made plain
    void writeLine(const QByteArray& prefix, const QString& line);
    void close() { m_file.close(); }

private:
    void append(const QByteArray& text); // as it is, within the cap
    void rotate();

    QFile m_file;
    qint64 m_cap = 0;
    qint64 m_size = 0;
    qint64 m_leftOut = 0; // bytes in .1 files that were replaced
};

} // namespace myst
