#include "core/ssh/Upload.h"

#include "core/base/Sha256.h"
#include "core/base/ShellQuote.h"
#include "core/base/Validation.h"
#include "core/ssh/ChannelLines.h"
#include "core/ssh/ExecChannel.h"
#include "core/ssh/UploadBlocks.h"
#include "core/ssh/UploadChannels.h"
#include "core/ssh/UploadScripts.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <thread>
#include <vector>

namespace myst {

namespace {
constexpr qint64 MarginMegabytes = 256;
constexpr int StateTimeoutMs = 120000;           // ending a stale writer takes up to 5 s each
constexpr int UploadChecksumTimeoutMs = 3600000; // hashing what is left of a multi-GB image
constexpr int PingTimeoutMs = 30000;

// The local file's sha256 on a thread of its own, so that hashing is not on the critical path
// of the thread that feeds the channels (it cost a tenth of the loopback throughput there).
class LocalHash
{
public:
    LocalHash(const QString& path, const std::atomic<bool>* cancel)
        : m_cancel(cancel), m_thread([this, path] { run(path); })
    {
    }
    ~LocalHash()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
    }
    // Waits for the hash; empty when the file could not be read or the upload was cancelled.
    QString result()
    {
        if (m_thread.joinable())
            m_thread.join();
        return m_hex;
    }

private:
    void run(const QString& path)
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return;
        Sha256 hash;
        std::vector<char> buffer(1024 * 1024);
        for (;;) {
            if (m_stop || (m_cancel && m_cancel->load()))
                return;
            const qint64 n = file.read(buffer.data(), qint64(buffer.size()));
            if (n < 0)
                return;
            if (n == 0)
                break;
            hash.addData(buffer.data(), n);
        }
        m_hex = hash.hexResult();
    }

    std::atomic<bool> m_stop{false};
    const std::atomic<bool>* m_cancel;
    QString m_hex;
    std::thread m_thread; // last: starts once the members above exist
};

bool sendLine(ssh_channel channel, const QString& line)
{
    const QByteArray bytes = line.toUtf8() + '\n';
    return ssh_channel_write(channel, bytes.constData(), uint32_t(bytes.size())) == bytes.size();
}

// The median of three ping/pong exchanges on the control channel, in seconds; -1 on failure.
// The pings go out together: each pong still comes a round trip after its ping, and the three
// cost one round trip, not three (0.4 s on a 200 ms link).
double measureRoundTrip(ssh_channel channel, ChannelLines& replies)
{
    QElapsedTimer clock;
    clock.start();
    if (!sendLine(channel, QStringLiteral("ping\nping\nping")))
        return -1;
    std::vector<double> samples;
    for (int i = 0; i < 3; ++i) {
        if (replies.next(PingTimeoutMs).value(0) != QLatin1String("pong"))
            return -1;
        samples.push_back(clock.nsecsElapsed() / 1e9);
    }
    std::sort(samples.begin(), samples.end());
    return samples[1];
}

qint64 blockBytes(const UploadOptions& options, ssh_channel control, double roundTrip)
{
    if (options.blockBytes > 0)
        return qMax(qint64(64 * 1024), options.blockBytes);
    constexpr qint64 MiB = 1024 * 1024;
    const double perChannel = ssh_channel_window_size(control) / qMax(roundTrip, 1e-4);
    return qBound(4 * MiB, qint64(perChannel * 0.5) / MiB * MiB, 32 * MiB);
}

// Channels to start with: enough for 25 MB/s (a fast VPN) at the measured round trip, with the
// window the host's sshd grants a channel: one up to about 80 ms, three at 200 ms. More are
// added while they run window-bound, so this only saves the first doublings on a long link.
int initialChannels(const UploadOptions& options, ssh_channel control, double roundTrip)
{
    if (options.initialChannels > 0)
        return qBound(1, options.initialChannels, qMax(1, options.maxChannels));
    constexpr double StartBytesPerSecond = 25e6;
    const double window = qMax(double(ssh_channel_window_size(control)), 64.0 * 1024);
    return qBound(1, int(std::ceil(StartBytesPerSecond * roundTrip / window)),
                  qBound(1, options.maxChannels, 4));
}

QString droppedMessage(qint64 done, qint64 total)
{
    return QStringLiteral("The connection dropped at %1 of %2 bytes; a retry continues from the "
                          "bytes the host has")
        .arg(done)
        .arg(total);
}

QString shortMessage(const QString& part, const QString& detail, qint64 total)
{
    return QStringLiteral("Writing %1 on the host stopped at %2 of %3 bytes (disk full?); free "
                          "some space, and a retry continues from there")
        .arg(part, detail)
        .arg(total);
}

// The host's state line and the blocks its record lists; false when the protocol broke.
struct HostState
{
    qint64 partBytes = 0;
    qint64 finishedBytes = -1;
    qint64 freeKb = -1;
    bool hasRecord = false;
    std::vector<UploadBlock> recorded;
    QString refused; // the folder is not safe: why
};

bool readState(ChannelLines& replies, HostState* state)
{
    const QStringList words = replies.next(StateTimeoutMs);
    if (words.value(0) == QLatin1String("refused")) {
        state->refused = words.mid(1).join(QLatin1Char(' '));
        return false;
    }
    bool ok = words.size() == 5 && words.at(0) == QLatin1String("state");
    state->partBytes = ok ? words.at(1).toLongLong(&ok) : 0;
    state->finishedBytes = ok ? words.at(2).toLongLong(&ok) : 0;
    state->freeKb = ok ? words.at(3).toLongLong(&ok) : 0;
    state->hasRecord = ok && words.at(4) == QLatin1String("1");
    while (ok) {
        const QStringList line = replies.next(StateTimeoutMs);
        if (line.value(0) == QLatin1String("end"))
            return true;
        bool okOffset = false, okLength = false;
        const UploadBlock b{line.value(1).toLongLong(&okOffset),
                            line.value(2).toLongLong(&okLength)};
        ok = line.value(0) == QLatin1String("has") && okOffset && okLength;
        state->recorded.push_back(b);
    }
    return false;
}

} // namespace

UploadResult uploadFile(SshConnection& connection, const QString& localPath,
                        const QString& remoteDirectory,
                        const std::function<void(qint64, qint64)>& progress,
                        const std::atomic<bool>* cancel, const UploadOptions& options)
{
    UploadResult out;
    QFile file(localPath);
    const QString name = plainFileName(QFileInfo(localPath).fileName());
    if (!file.open(QIODevice::ReadOnly)) {
        out.message = QStringLiteral("Cannot read %1: %2").arg(localPath, file.errorString());
        return out;
    }
    if (!isSafeAbsolutePath(remoteDirectory)) {
        out.message =
            QStringLiteral("Refusing to upload to %1: use plain characters in the folder name")
                .arg(remoteDirectory);
        return out;
    }
    out.size = file.size();
    out.remotePath = remoteDirectory + QLatin1Char('/') + name;
    const QString part = out.remotePath + QStringLiteral(".part");
    const auto cancelled = [&] { return cancel && cancel->load(); };
    const QString cancelledMessage =
        QStringLiteral("Upload cancelled; a retry continues from the bytes the host has");

    ExecChannel channel =
        openExecChannel(connection, shellCommand({QStringLiteral("sh"), QStringLiteral("-c"),
                                                  QString::fromLatin1(upload_scripts::Control),
                                                  QStringLiteral("myst-upload"), part,
                                                  out.remotePath, remoteDirectory}));
    if (!channel) {
        out.message = QStringLiteral("Cannot start the upload: %1").arg(connection.lastError());
        return out;
    }
    ChannelLines replies(channel.get(), cancel);
    HostState state;
    if (!readState(replies, &state)) {
        out.message = cancelled() ? cancelledMessage
                      : !state.refused.isEmpty()
                          ? QStringLiteral("Upload refused: %1").arg(state.refused)
                          : QStringLiteral("Cannot read the state of %1 on "
                                           "the host: %2")
                                .arg(part, replies.errors());
        return out;
    }

    // A finished file of the same size from an earlier upload: when its sha256 on the host
    // equals this file's, there is nothing to send. Both ends hash at the same time.
    if (state.partBytes == 0 && !state.hasRecord && state.finishedBytes == out.size) {
        if (!sendLine(channel.get(), QStringLiteral("final-sha"))) {
            out.connectionLost = true;
            out.message = droppedMessage(0, out.size);
            return out;
        }
        LocalHash whole(localPath, cancel);
        const QString local = whole.result();
        if (local.isEmpty()) {
            out.message =
                cancelled() ? cancelledMessage : QStringLiteral("Cannot read %1").arg(localPath);
            return out;
        }
        const QStringList reply = replies.next(UploadChecksumTimeoutMs);
        if (reply.value(0) == QLatin1String("final-sha") && reply.value(1) == local) {
            sendLine(channel.get(), QStringLiteral("done"));
            out.ok = true;
            out.sha256 = local;
            out.resumedFrom = out.size;
            out.message =
                QStringLiteral("%1 is already on the host (sha256 %2 confirmed); nothing sent")
                    .arg(out.remotePath, local);
            return out;
        }
        // A different file of the same name: uploaded again, then replaced.
    }

    const double roundTrip = measureRoundTrip(channel.get(), replies);
    if (roundTrip < 0) {
        out.connectionLost = !cancelled();
        out.message = cancelled() ? cancelledMessage : droppedMessage(0, out.size);
        return out;
    }
    out.roundTripMs = roundTrip * 1000;

    // What the host has: the blocks its record lists, or the prefix an older, sequential
    // upload left. Anything beyond this file's end means it was another file's: start over.
    UploadBlocks blocks(out.size, blockBytes(options, channel.get(), roundTrip));
    qint64 legacyPrefix = state.hasRecord ? 0 : state.partBytes;
    bool stale = legacyPrefix > out.size;
    for (const UploadBlock& b : state.recorded) {
        stale = stale || b.offset < 0 || b.length < 0 || b.offset + b.length > out.size;
        blocks.markDone(b.offset, b.length);
    }
    if (!stale)
        blocks.markDone(0, legacyPrefix);
    if (stale) {
        if (!sendLine(channel.get(), QStringLiteral("reset")) ||
            replies.next(StateTimeoutMs).value(0) != QLatin1String("reset")) {
            out.message = QStringLiteral("Cannot remove the stale %1 on the host").arg(part);
            return out;
        }
        blocks = UploadBlocks(out.size, blockBytes(options, channel.get(), roundTrip));
        legacyPrefix = 0;
    }
    out.resumedFrom = blocks.doneBytes();
    const qint64 neededMb = (out.size - out.resumedFrom) / (1024 * 1024) + MarginMegabytes;
    if (state.freeKb >= 0 && state.freeKb / 1024 < neededMb) {
        out.message =
            QStringLiteral("Not enough free disk in %1 on the host: %2 MB free, %3 MB needed")
                .arg(remoteDirectory)
                .arg(state.freeKb / 1024)
                .arg(neededMb);
        return out;
    }

    LocalHash localHash(localPath, cancel);
    // `begun` is read once the data channels are open (they take two round trips of their own),
    // and before they write: the record must exist, holding any older prefix, first.
    bool begun = false;
    const auto readBegun = [&] {
        begun = begun || replies.next(StateTimeoutMs).value(0) == QLatin1String("begun");
        return begun;
    };
    const auto cannotBegin = [&] {
        out.message =
            QStringLiteral("Cannot start writing %1 on the host: %2").arg(part, replies.errors());
        out.connectionLost = !ssh_is_connected(connection.session());
        return out;
    };
    if (!sendLine(channel.get(), QStringLiteral("begin %1 %2")
                                     .arg(legacyPrefix)
                                     .arg(options.hashWhileReceiving ? 1 : 0)))
        return cannotBegin();

    blocks.plan();
    if (blocks.complete() && !readBegun())
        return cannotBegin();
    qint64 hashedUpTo = 0;
    const auto letHostHash = [&] {
        const qint64 prefix = blocks.completePrefix();
        if (options.hashWhileReceiving && prefix > hashedUpTo &&
            sendLine(channel.get(), QStringLiteral("upto %1").arg(prefix)))
            hashedUpTo = prefix;
    };
    if (begun)
        letHostHash();
    if (progress)
        progress(blocks.doneBytes(), out.size);
    if (!blocks.complete()) {
        ChannelPlan plan;
        plan.fixedChannels = options.channels;
        plan.maxChannels = qMax(1, options.maxChannels);
        plan.roundTripSeconds = roundTrip;
        plan.initialChannels = initialChannels(options, channel.get(), roundTrip);
        plan.stallSeconds = qMax(1, options.stallSeconds);
        const SendOutcome sent = sendBlocks(
            connection, file, blocks, part, plan,
            [&] {
                if (!readBegun())
                    return false;
                letHostHash(); // what an earlier attempt left
                return true;
            },
            [&] {
                letHostHash();
                if (progress)
                    progress(blocks.doneBytes(), out.size);
            },
            cancel);
        out.sentBytes = sent.sentBytes;
        out.channels = sent.channelsUsed;
        out.droppedChannels = sent.droppedChannels;
        switch (sent.end) {
        case SendOutcome::End::Complete:
            break;
        case SendOutcome::End::Cancelled:
            out.message =
                QStringLiteral("Upload cancelled at %1 of %2 bytes; a retry continues from there")
                    .arg(blocks.doneBytes())
                    .arg(out.size);
            return out;
        case SendOutcome::End::Lost:
            out.connectionLost = true;
            out.message = droppedMessage(blocks.doneBytes(), out.size);
            return out;
        case SendOutcome::End::Short:
            out.message = shortMessage(part, sent.detail, out.size);
            return out;
        case SendOutcome::End::ReadError:
            out.message = QStringLiteral("Cannot read %1: %2").arg(localPath, sent.detail);
            return out;
        case SendOutcome::End::Failed:
            if (!begun)
                return cannotBegin();
            out.message = QStringLiteral("Cannot upload to the host: %1").arg(sent.detail);
            return out;
        }
    }

    out.sha256 = localHash.result();
    if (out.sha256.isEmpty()) {
        out.message = cancelled() ? cancelledMessage
                                  : QStringLiteral("Cannot read %1 to hash it").arg(localPath);
        return out;
    }
    if (!sendLine(channel.get(), QStringLiteral("commit %1 %2").arg(out.sha256).arg(out.size))) {
        out.connectionLost = true;
        out.message = droppedMessage(blocks.doneBytes(), out.size);
        return out;
    }
    const QStringList verdict = replies.next(UploadChecksumTimeoutMs);
    sendLine(channel.get(), QStringLiteral("done"));
    const QString word = verdict.value(0);
    if (word == QLatin1String("committed")) {
        out.ok = true;
        out.message =
            QStringLiteral("uploaded %1 bytes (%2 resumed, %3 channel(s)), sha256 %4 confirmed "
                           "by the host")
                .arg(out.size)
                .arg(out.resumedFrom)
                .arg(qMax(1, out.channels))
                .arg(out.sha256);
    } else if (word == QLatin1String("mismatch")) {
        out.message =
            QStringLiteral(
                "Checksum mismatch after upload (here %1, on the host %2): the partial file was "
                "removed; upload again")
                .arg(out.sha256, verdict.value(1));
    } else if (word == QLatin1String("short")) {
        out.message = shortMessage(part, verdict.value(1), out.size);
    } else {
        out.connectionLost = !cancelled();
        out.message = cancelled() ? cancelledMessage
                                  : QStringLiteral("No verdict from the host after the upload: %1")
                                        .arg(replies.errors().isEmpty()
                                                 ? droppedMessage(blocks.doneBytes(), out.size)
                                                 : replies.errors());
    }
    return out;
}

} // namespace myst
