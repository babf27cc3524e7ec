#include "core/ssh/Upload.h"

#include "core/base/Sha256.h"
#include "core/base/ShellQuote.h"
#include "core/base/Validation.h"
#include "core/ssh/ExecChannel.h"
#include "core/ssh/OutputFrame.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>

namespace myst {

namespace {
constexpr qint64 ChunkBytes = 256 * 1024;
constexpr qint64 MarginMegabytes = 256;
constexpr int StateTimeoutMs = 120000;     // ending a stale writer takes up to 5 s each
constexpr int ChecksumTimeoutMs = 3600000; // sha256sum of a multi-GB image takes a while

// The host's half of an upload: one exec channel, one login, a line protocol on stdin/stdout.
// Every earlier step (mkdir, stat, df, sha256sum, mv) used to be its own session, which costs
// a login each (0.7 s on a host whose .bashrc does work) and dominated all but huge files.
//
//   host:   state <bytes of .part> <bytes of the finished file or -1> <free KiB or -1>
//   wizard: final-sha          host: final-sha <sha256 of the finished file>
//   wizard: reset              host: reset           (the .part is removed)
//   wizard: send <n>, then exactly n bytes; the host appends them to the .part with
//           `head -c n` (GNU head reads no further than n); if that fails (disk full) it says
//           `short <size>` and ends
//   wizard: commit <sha256> <size>
//           host: committed <sha> | mismatch <sha> (the .part is removed) | short <size>
//
// The host hashes the .part once it is complete rather than while it arrives: a tee into a
// hasher alongside sshd made the transfer CPU-bound (5.4 s instead of 3.7 s for 512 MB on a
// 2-core host), and openssl hashes a freshly written file at about 1 GB/s.
//
// Before `state`, any process that still has the .part open (the head of an attempt whose
// connection dropped) is ended: the size read must be final, or the resumed bytes would land
// at the wrong offset. If the connection drops, `read` sees end of file and the script ends,
// keeping the .part for the next attempt. Paths arrive as positional parameters, never
// spliced into the script.
const char* const HostScript = R"SH(part=$1 final=$2 dir=$3
printf '\036myst-begin\n'
mkdir -p -- "$dir" || exit 3
for pid in $(find /proc/[0-9]*/fd -mindepth 1 -maxdepth 1 -lname "$part" 2>/dev/null | cut -d/ -f3 | sort -u); do
  kill "$pid" 2>/dev/null; i=0
  while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
done
have=0; [ -f "$part" ] && have=$(stat -c %s -- "$part")
fin=-1; [ -f "$final" ] && fin=$(stat -c %s -- "$final")
free=$(df -Pk -- "$dir" | awk 'NR==2 {print $4}')
echo "state $have $fin ${free:--1}"
# openssl hashes several times faster than sha256sum where the CPU has SHA extensions.
hasher=sha256sum; command -v openssl >/dev/null 2>&1 && hasher="openssl dgst -sha256 -r"
sum= size=0
while read -r cmd a b; do
  case $cmd in
  final-sha) echo "final-sha $($hasher < "$final" | cut -c1-64)" ;;
  reset) rm -f -- "$part"; echo reset ;;
  send)
    head -c "$a" >> "$part" || { echo "short $(stat -c %s -- "$part")"; exit 4; }
    size=$(stat -c %s -- "$part" 2>/dev/null || echo 0) ;;
  commit)
    if [ "$size" != "$b" ]; then echo "short $size"; continue; fi
    sum=$($hasher < "$part" | cut -c1-64)
    if [ "$sum" = "$a" ] && mv -f -- "$part" "$final"; then echo "committed $sum"
    else rm -f -- "$part"; echo "mismatch ${sum:-unreadable}"; fi ;;
  *) exit 0 ;;
  esac
done
)SH";

// Line-at-a-time reading of the host's stdout, keeping what follows a line for the next call.
class HostReplies
{
public:
    HostReplies(ssh_channel channel, const std::atomic<bool>* cancel)
        : m_channel(channel), m_cancel(cancel)
    {
    }

    // The next line split on spaces; empty when the channel ended, failed or timed out.
    QStringList next(int timeoutMs)
    {
        QElapsedTimer clock;
        clock.start();
        char buffer[4096];
        while (!m_pending.contains('\n')) {
            if ((m_cancel && m_cancel->load()) || clock.elapsed() > timeoutMs)
                return {};
            const int n = ssh_channel_read_timeout(m_channel, buffer, sizeof buffer, 0, 1000);
            // Keep stderr read as well: libssh reports end of file only once it is (a login
            // banner there would hide it), and its last words explain a failure.
            drainStderr();
            if (n == SSH_ERROR || (n == 0 && ssh_channel_is_eof(m_channel)))
                return {};
            m_pending.append(m_frame.feed(buffer, n)); // not a login banner
        }
        const qsizetype end = m_pending.indexOf('\n');
        const QString line = QString::fromUtf8(m_pending.left(end));
        m_pending.remove(0, end + 1);
        return line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    }

    // What the host said on stderr last, for a message when the protocol broke down.
    QString errors()
    {
        drainStderr();
        return QString::fromUtf8(m_stderr).trimmed();
    }

private:
    void drainStderr()
    {
        char buffer[2048];
        int n;
        while ((n = ssh_channel_read_nonblocking(m_channel, buffer, sizeof buffer, 1)) > 0) {
            m_stderr = (m_stderr + QByteArray(buffer, n)).right(2048);
        }
    }

    ssh_channel m_channel;
    const std::atomic<bool>* m_cancel;
    QByteArray m_stderr;
    OutputFrame m_frame;
    QByteArray m_pending;
};

bool sendLine(ssh_channel channel, const QString& line)
{
    const QByteArray bytes = line.toUtf8() + '\n';
    return ssh_channel_write(channel, bytes.constData(), uint32_t(bytes.size())) == bytes.size();
}

// sha256 of a local file's first `length` bytes, fed to `hash`.
bool hashPrefix(QFile& file, qint64 length, Sha256& hash, const std::atomic<bool>* cancel)
{
    for (qint64 hashed = 0; hashed < length;) {
        if (cancel && cancel->load())
            return false;
        const QByteArray buffer = file.read(qMin(ChunkBytes, length - hashed));
        if (buffer.isEmpty())
            return false;
        hash.addData(buffer);
        hashed += buffer.size();
    }
    return true;
}

QString droppedMessage(qint64 done, qint64 total)
{
    return QStringLiteral("The connection dropped at %1 of %2 bytes; a retry continues from the "
                          "bytes the host has")
        .arg(done)
        .arg(total);
}

QString shortMessage(const QString& part, const QString& size, qint64 total)
{
    return QStringLiteral("Writing %1 on the host stopped at %2 of %3 bytes (disk full?); free "
                          "some space, and a retry continues from there")
        .arg(part, size)
        .arg(total);
}

} // namespace

UploadResult uploadFile(SshConnection& connection, const QString& localPath,
                        const QString& remoteDirectory,
                        const std::function<void(qint64, qint64)>& progress,
                        const std::atomic<bool>* cancel)
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

    ExecChannel channel = openExecChannel(
        connection,
        shellCommand({QStringLiteral("sh"), QStringLiteral("-c"), QString::fromLatin1(HostScript),
                      QStringLiteral("myst-upload"), part, out.remotePath, remoteDirectory}));
    if (!channel) {
        out.message = QStringLiteral("Cannot start the upload: %1").arg(connection.lastError());
        return out;
    }
    HostReplies replies(channel.get(), cancel);
    const QStringList state = replies.next(StateTimeoutMs);
    bool ok = state.size() == 4 && state.at(0) == QLatin1String("state");
    qint64 existing = ok ? state.at(1).toLongLong(&ok) : 0;
    const qint64 finishedSize = ok ? state.at(2).toLongLong(&ok) : 0;
    const qint64 freeKb = ok ? state.at(3).toLongLong(&ok) : 0;
    if (!ok) {
        out.message = cancelled() ? cancelledMessage
                                  : QStringLiteral("Cannot read the state of %1 on the host: %2")
                                        .arg(part, replies.errors());
        return out;
    }

    // A finished file of the same size from an earlier upload: when its sha256 on the host
    // equals this file's, there is nothing to send. Both ends hash at the same time.
    if (existing == 0 && finishedSize == out.size) {
        if (!sendLine(channel.get(), QStringLiteral("final-sha"))) {
            out.connectionLost = true;
            out.message = droppedMessage(0, out.size);
            return out;
        }
        Sha256 whole;
        if (!hashPrefix(file, out.size, whole, cancel)) {
            out.message =
                cancelled() ? cancelledMessage : QStringLiteral("Cannot read %1").arg(localPath);
            return out;
        }
        file.seek(0);
        const QString local = whole.hexResult();
        const QStringList reply = replies.next(ChecksumTimeoutMs);
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
    if (existing > out.size) { // not a prefix of this file
        if (!sendLine(channel.get(), QStringLiteral("reset")) ||
            replies.next(StateTimeoutMs).value(0) != QLatin1String("reset")) {
            out.message = QStringLiteral("Cannot remove the stale %1 on the host").arg(part);
            return out;
        }
        existing = 0;
    }
    const qint64 neededMb = (out.size - existing) / (1024 * 1024) + MarginMegabytes;
    if (freeKb >= 0 && freeKb / 1024 < neededMb) {
        out.message =
            QStringLiteral("Not enough free disk in %1 on the host: %2 MB free, %3 MB needed")
                .arg(remoteDirectory)
                .arg(freeKb / 1024)
                .arg(neededMb);
        return out;
    }

    // The hash covers the whole file: the part already there is hashed from the local copy,
    // while the host rehashes its copy of it.
    out.resumedFrom = existing;
    if (!sendLine(channel.get(), QStringLiteral("send %1").arg(out.size - existing))) {
        out.connectionLost = true;
        out.message = droppedMessage(existing, out.size);
        return out;
    }
    Sha256 hash;
    if (!hashPrefix(file, existing, hash, cancel)) {
        out.message = cancelled()
                          ? cancelledMessage
                          : QStringLiteral("Cannot read %1: %2").arg(localPath, file.errorString());
        return out;
    }
    qint64 done = existing;
    if (progress)
        progress(done, out.size);
    while (done < out.size) {
        if (cancelled()) {
            out.message =
                QStringLiteral("Upload cancelled at %1 of %2 bytes; a retry continues from there")
                    .arg(done)
                    .arg(out.size);
            return out;
        }
        const QByteArray buffer = file.read(ChunkBytes);
        if (buffer.isEmpty()) {
            out.message = QStringLiteral("Cannot read %1: %2").arg(localPath, file.errorString());
            return out;
        }
        hash.addData(buffer);
        if (ssh_channel_write(channel.get(), buffer.constData(), uint32_t(buffer.size())) !=
            buffer.size()) {
            const QStringList reply = replies.next(2000); // a write failure on the host?
            out.connectionLost = reply.value(0) != QLatin1String("short");
            out.message = reply.value(0) == QLatin1String("short")
                              ? shortMessage(part, reply.value(1), out.size)
                              : droppedMessage(done, out.size);
            return out;
        }
        done += buffer.size();
        out.sentBytes += buffer.size();
        if (progress)
            progress(done, out.size);
    }
    out.sha256 = hash.hexResult();
    if (!sendLine(channel.get(), QStringLiteral("commit %1 %2").arg(out.sha256).arg(out.size))) {
        out.connectionLost = true;
        out.message = droppedMessage(done, out.size);
        return out;
    }
    const QStringList verdict = replies.next(ChecksumTimeoutMs);
    sendLine(channel.get(), QStringLiteral("done"));
    const QString word = verdict.value(0);
    if (word == QLatin1String("committed")) {
        out.ok = true;
        out.message =
            QStringLiteral("uploaded %1 bytes (%2 resumed), sha256 %3 confirmed by the host")
                .arg(out.size)
                .arg(out.resumedFrom)
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
        out.message = cancelled()
                          ? cancelledMessage
                          : QStringLiteral("No verdict from the host after the upload: %1")
                                .arg(replies.errors().isEmpty() ? droppedMessage(done, out.size)
                                                                : replies.errors());
    }
    return out;
}

} // namespace myst
