#include "core/ssh/UploadChannels.h"

#include "core/base/ShellQuote.h"
#include "core/ssh/ChannelLines.h"
#include "core/ssh/ExecChannel.h"
#include "core/ssh/UploadScripts.h"

#include <QElapsedTimer>

#include <deque>
#include <memory>
#include <optional>
#include <vector>

namespace myst {

namespace {
constexpr qint64 PieceBytes = 256 * 1024;
// Blocks a channel may have sent but not yet seen confirmed: enough to keep it busy while dd
// writes the last one, few enough that a dropped channel has little to send again.
constexpr size_t UnconfirmedPerChannel = 2;

struct DataChannel
{
    ExecChannel channel;
    std::unique_ptr<ChannelLines> lines;
    std::optional<UploadBlock> current;
    qint64 currentSent = 0;
    std::deque<UploadBlock> unconfirmed;
};

class Sender
{
public:
    Sender(SshConnection& connection, QFile& file, UploadBlocks& blocks, const QString& partPath,
           const ChannelPlan& plan, const std::atomic<bool>* cancel)
        : m_connection(connection), m_file(file), m_blocks(blocks), m_plan(plan), m_cancel(cancel),
          m_command(shellCommand({QStringLiteral("sh"), QStringLiteral("-c"),
                                  QString::fromLatin1(upload_scripts::Data),
                                  QStringLiteral("myst-upload-data"), partPath,
                                  partPath + QStringLiteral(".done")})),
          m_buffer(PieceBytes + 64)
    {
    }

    SendOutcome run(const std::function<bool()>& afterOpening,
                    const std::function<void()>& onConfirmed)
    {
        // Fixed channels all open before the first block (the tests count on them); of the
        // chosen ones the first does, the others join as they open.
        const int start = m_plan.fixedChannels > 0 ? m_plan.fixedChannels : 1;
        for (int i = 0; i < start; ++i) {
            if (!openChannel())
                return failOpening();
        }
        if (m_plan.fixedChannels == 0)
            openWithoutWaiting(m_plan.initialChannels - start);
        if (afterOpening && !afterOpening())
            return end(ssh_is_connected(m_connection.session()) ? SendOutcome::End::Failed
                                                                : SendOutcome::End::Lost);
        ssh_event event = ssh_event_new();
        ssh_event_add_session(event, m_connection.session());
        const auto outcome = loop(event, onConfirmed);
        ssh_event_remove_session(event, m_connection.session());
        ssh_event_free(event);
        m_opening.clear();
        m_channels.clear();
        return outcome;
    }

private:
    SendOutcome loop(ssh_event event, const std::function<void()>& onConfirmed)
    {
        QElapsedTimer growClock;
        growClock.start();
        qint64 sentAtGrow = 0;
        // Long enough for a window-bound channel to show it (a window goes out per round trip).
        const qint64 growEveryMs = qMax(qint64(300), qint64(m_plan.roundTripSeconds * 3000));
        QElapsedTimer sinceMoved;
        sinceMoved.start();
        while (!m_blocks.complete()) {
            if (m_cancel && m_cancel->load())
                return end(SendOutcome::End::Cancelled);
            if (sinceMoved.elapsed() > qint64(m_plan.stallSeconds) * 1000)
                return end(
                    SendOutcome::End::Lost,
                    QStringLiteral("the host took no data for %1 s").arg(m_plan.stallSeconds));
            bool moved = false;
            if (adoptOpened()) { // measure the grown set of channels from now on
                moved = true;
                growClock.restart();
                sentAtGrow = m_out.sentBytes;
            }
            for (size_t i = 0; i < m_channels.size();) {
                DataChannel& c = *m_channels[i];
                const bool alive = c.lines->pump();
                QStringList words;
                while (c.lines->takeLine(&words)) {
                    if (words.value(0) == QLatin1String("ok")) {
                        confirm(c, words.value(1).toLongLong(), words.value(2).toLongLong());
                        moved = true;
                        if (onConfirmed)
                            onConfirmed();
                    } else if (words.value(0) == QLatin1String("short")) {
                        return end(SendOutcome::End::Short, words.mid(1).join(QLatin1Char(' ')));
                    }
                }
                if (!alive || !send(c)) {
                    if (!ssh_is_connected(m_connection.session()))
                        return end(SendOutcome::End::Lost);
                    dropChannel(i);
                    moved = true;
                    if (m_out.droppedChannels > 2 * m_plan.maxChannels || !openChannel())
                        return m_channels.empty() ? failOpening() : end(SendOutcome::End::Lost);
                    continue;
                }
                if (m_readFailed)
                    return end(SendOutcome::End::ReadError, m_file.errorString());
                moved = moved || m_wrote;
                ++i;
            }
            if (m_plan.fixedChannels == 0 && growClock.elapsed() >= growEveryMs) {
                maybeGrow(double(m_out.sentBytes - sentAtGrow) * 1000.0 / growClock.elapsed());
                sentAtGrow = m_out.sentBytes;
                growClock.restart();
            }
            if (moved)
                sinceMoved.restart();
            else
                ssh_event_dopoll(event, 50);
        }
        return end(SendOutcome::End::Complete);
    }

    // Writes what the channel's window takes of its block; false when the write failed.
    bool send(DataChannel& c)
    {
        m_wrote = false;
        if (!c.current && c.unconfirmed.size() < UnconfirmedPerChannel) {
            c.current = m_blocks.takeNext();
            c.currentSent = 0;
        }
        if (!c.current)
            return true;
        QByteArray header;
        if (c.currentSent == 0)
            header = QByteArray::number(c.current->offset) + ' ' +
                     QByteArray::number(c.current->length) + '\n';
        const qint64 window = ssh_channel_window_size(c.channel.get());
        const qint64 want =
            qMin(qMin(PieceBytes, c.current->length - c.currentSent), window - header.size());
        if (want <= 0)
            return true; // the window is full: wait for the host to take some
        std::memcpy(m_buffer.data(), header.constData(), size_t(header.size()));
        if (!m_file.seek(c.current->offset + c.currentSent) ||
            m_file.read(m_buffer.data() + header.size(), want) != want) {
            m_readFailed = true;
            return true;
        }
        const qint64 n = header.size() + want;
        if (ssh_channel_write(c.channel.get(), m_buffer.data(), uint32_t(n)) != n)
            return false;
        m_wrote = true;
        c.currentSent += want;
        m_out.sentBytes += want;
        if (c.currentSent == c.current->length) {
            c.unconfirmed.push_back(*c.current);
            c.current.reset();
        }
        return true;
    }

    void confirm(DataChannel& c, qint64 offset, qint64 length)
    {
        for (auto it = c.unconfirmed.begin(); it != c.unconfirmed.end(); ++it) {
            if (it->offset == offset) {
                c.unconfirmed.erase(it);
                break;
            }
        }
        m_blocks.markDone(offset, length);
    }

    // A channel that ended (its dd killed, its sshd child gone): its blocks go back.
    void dropChannel(size_t i)
    {
        DataChannel& c = *m_channels[i];
        if (c.current)
            m_blocks.giveBack(*c.current);
        for (const UploadBlock& b : c.unconfirmed)
            m_blocks.giveBack(b);
        m_channels.erase(m_channels.begin() + qsizetype(i));
        ++m_out.droppedChannels;
    }

    // The channels double while they run near what their windows allow over the measured round
    // trip (window-bound: the link has room), as TCP's slow start does, so that a fast link
    // across the world gets its eight channels in three round-trip-long looks rather than seven.
    // Once the link is full, its queue lengthens the round trip and the rate falls short.
    void maybeGrow(double bytesPerSecond)
    {
        const int n = int(m_channels.size());
        const double ceiling = n * m_window / qMax(m_plan.roundTripSeconds, 1e-4);
        if (!m_opening.empty() || n >= m_plan.maxChannels || bytesPerSecond <= 0.7 * ceiling)
            return;
        openWithoutWaiting(qMin(n, m_plan.maxChannels - n));
    }

    void openWithoutWaiting(int count)
    {
        for (int i = 0; i < count; ++i)
            m_opening.push_back(std::make_unique<ExecChannelOpening>(m_connection, m_command));
    }

    // Channels that were opening and now are open join the others; true when one did.
    bool adoptOpened()
    {
        bool adopted = false;
        for (size_t i = 0; i < m_opening.size();) {
            const ExecChannelOpening::State state = m_opening[i]->advance();
            if (state == ExecChannelOpening::State::Pending) {
                ++i;
                continue;
            }
            if (state == ExecChannelOpening::State::Open) {
                adopt(m_opening[i]->take());
                adopted = true;
            }
            m_opening.erase(m_opening.begin() + qsizetype(i)); // a refused one: fewer channels
        }
        return adopted;
    }

    bool openChannel() { return adopt(openExecChannel(m_connection, m_command)); }

    bool adopt(ExecChannel channel)
    {
        if (!channel)
            return false;
        auto c = std::make_unique<DataChannel>();
        c->channel = std::move(channel);
        c->lines = std::make_unique<ChannelLines>(c->channel.get());
        if (m_window == 0)
            m_window = ssh_channel_window_size(c->channel.get());
        m_channels.push_back(std::move(c));
        m_out.channelsUsed = qMax(m_out.channelsUsed, int(m_channels.size()));
        return true;
    }

    SendOutcome failOpening()
    {
        return end(ssh_is_connected(m_connection.session()) ? SendOutcome::End::Failed
                                                            : SendOutcome::End::Lost,
                   QStringLiteral("cannot open a data channel: %1").arg(m_connection.lastError()));
    }

    SendOutcome end(SendOutcome::End how, const QString& detail = {})
    {
        m_out.end = how;
        m_out.detail = detail;
        return m_out;
    }

    SshConnection& m_connection;
    QFile& m_file;
    UploadBlocks& m_blocks;
    ChannelPlan m_plan;
    const std::atomic<bool>* m_cancel;
    QString m_command;
    std::vector<char> m_buffer;
    std::vector<std::unique_ptr<DataChannel>> m_channels;
    std::vector<std::unique_ptr<ExecChannelOpening>> m_opening; // added, not yet open
    double m_window = 0; // bytes a channel may have in flight, as the host's sshd grants
    bool m_wrote = false;
    bool m_readFailed = false;
    SendOutcome m_out;
};

} // namespace

SendOutcome sendBlocks(SshConnection& connection, QFile& file, UploadBlocks& blocks,
                       const QString& partPath, const ChannelPlan& plan,
                       const std::function<bool()>& afterOpening,
                       const std::function<void()>& onConfirmed, const std::atomic<bool>* cancel)
{
    Sender sender(connection, file, blocks, partPath, plan, cancel);
    return sender.run(afterOpening, onConfirmed);
}

} // namespace myst
