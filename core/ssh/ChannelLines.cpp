#include "core/ssh/ChannelLines.h"

#include <QElapsedTimer>

namespace myst {

bool ChannelLines::pump()
{
    char buffer[4096];
    int n;
    while ((n = ssh_channel_read_nonblocking(m_channel, buffer, sizeof buffer, 0)) > 0) {
        m_pending.append(m_frame.feed(buffer, n));
    }
    drainStderr();
    return n != SSH_ERROR && !ssh_channel_is_eof(m_channel) && !ssh_channel_is_closed(m_channel);
}

bool ChannelLines::takeLine(QStringList* words)
{
    const qsizetype end = m_pending.indexOf('\n');
    if (end < 0)
        return false;
    const QString line = QString::fromUtf8(m_pending.left(end));
    m_pending.remove(0, end + 1);
    *words = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    return true;
}

QStringList ChannelLines::next(int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    char buffer[4096];
    QStringList words;
    while (!takeLine(&words)) {
        if ((m_cancel && m_cancel->load()) || clock.elapsed() > timeoutMs)
            return {};
        const int n = ssh_channel_read_timeout(m_channel, buffer, sizeof buffer, 0, 1000);
        drainStderr();
        if (n == SSH_ERROR || (n == 0 && ssh_channel_is_eof(m_channel)))
            return {};
        m_pending.append(m_frame.feed(buffer, n));
    }
    return words;
}

QString ChannelLines::errors()
{
    drainStderr();
    return QString::fromUtf8(m_stderr).trimmed();
}

void ChannelLines::drainStderr()
{
    char buffer[2048];
    int n;
    while ((n = ssh_channel_read_nonblocking(m_channel, buffer, sizeof buffer, 1)) > 0) {
        m_stderr = (m_stderr + QByteArray(buffer, n)).right(2048);
    }
}

} // namespace myst
