#include "core/journal/StepLog.h"

#include "core/base/TerminalText.h"

#include <QFileInfo>
#include <QLocale>

namespace myst {

void StepLog::open(const QString& path, bool truncate, qint64 capBytes)
{
    m_file.close();
    m_file.setFileName(path);
    m_file.open(QIODevice::WriteOnly | (truncate ? QIODevice::Truncate : QIODevice::Append));
    m_file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    m_cap = qMax<qint64>(capBytes, 64 * 1024);
    m_size = m_file.size();
    m_leftOut = 0;
}

void StepLog::write(const QByteArray& raw)
{
    // The log's own "# …" lines quote host text too (a step's message, a command): each line
    // is made plain, so that the file never holds an escape sequence for a terminal to obey.
    QByteArrayList lines = raw.split('\n');
    for (QByteArray& line : lines)
        line = plainTerminalText(QString::fromUtf8(line)).toUtf8();
    append(lines.join('\n'));
}

void StepLog::writeLine(const QByteArray& prefix, const QString& line)
{
    append(prefix + plainTerminalText(line).toUtf8() + '\n');
}

void StepLog::append(const QByteArray& text)
{
    if (!m_file.isOpen()) {
        return;
    }
    if (m_size + text.size() > m_cap / 2) {
        rotate();
    }
    m_size += m_file.write(text);
}

void StepLog::rotate()
{
    const QString path = m_file.fileName();
    const QString older = path + QStringLiteral(".1");
    m_file.close();
    m_leftOut += QFileInfo(older).size();
    QFile::remove(older);
    QFile::rename(path, older);
    m_file.setFileName(path);
    m_file.open(QIODevice::WriteOnly | QIODevice::Truncate);
    m_file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    const QByteArray note =
        (m_leftOut > 0
             ? QStringLiteral("# [wizard] the output before this line is in %1; %2 before that "
                              "was left out (the step log is kept under %3)\n")
                   .arg(older, QLocale::c().formattedDataSize(m_leftOut),
                        QLocale::c().formattedDataSize(m_cap))
             : QStringLiteral("# [wizard] the output before this line is in %1\n").arg(older))
            .toUtf8();
    m_size = m_file.write(note);
}

} // namespace myst
