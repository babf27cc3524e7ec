#include "Upload.h"

#include "ExecChannel.h"
#include "OutputParsers.h"
#include "RemoteCommand.h"
#include "ShellQuote.h"
#include "Validation.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>

namespace myst {

namespace {
constexpr qint64 ChunkBytes = 256 * 1024;
constexpr qint64 MarginMegabytes = 256;
constexpr qint64 ChecksumTimeoutMs = 3600000; // sha256sum of a multi-GB image takes a while

// Shell: end any process whose stdout is "$part" (the `cat >>` of an earlier attempt), then
// wait up to 5 s for it to be gone. One `ls` over /proc, not a fork per process.
const char* const EndStaleWriters =
    "pids=$(ls -l /proc/[0-9]*/fd/1 2>/dev/null | awk -v p=\"$part\" "
    "'$NF == p && $(NF-1) == \"->\" { split($(NF-2), a, \"/\"); print a[3] }'); "
    "for pid in $pids; do kill \"$pid\" 2>/dev/null; i=0; "
    "while kill -0 \"$pid\" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; "
    "done;";

// sha256 of a local file's first `length` bytes, fed to `hash`.
bool hashPrefix(QFile& file, qint64 length, QCryptographicHash& hash)
{
    for (qint64 hashed = 0; hashed < length;) {
        const QByteArray buffer = file.read(qMin(ChunkBytes, length - hashed));
        if (buffer.isEmpty())
            return false;
        hash.addData(buffer);
        hashed += buffer.size();
    }
    return true;
}

// A finished file of the same size from an earlier upload: when its sha256 on the host equals
// this file's, there is nothing to send.
bool alreadyThere(SshConnection& connection, QFile& file, UploadResult& out)
{
    const CapturedOutput size =
        runCaptured(connection, QStringLiteral("if [ -f %1 ]; then stat -c %s %1; else echo -1; fi")
                                    .arg(shellQuote(out.remotePath)));
    if (size.stdoutLines.value(0).toLongLong() != out.size) {
        return false;
    }
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hashPrefix(file, out.size, hash)) {
        file.seek(0);
        return false;
    }
    file.seek(0);
    const QString local = QString::fromLatin1(hash.result().toHex());
    if (remoteSha256(connection, out.remotePath, ChecksumTimeoutMs) != local) {
        return false; // a different file of the same name: uploaded again, then replaced
    }
    out.ok = true;
    out.sha256 = local;
    out.resumedFrom = out.size;
    out.message = QStringLiteral("%1 is already on the host (sha256 %2 confirmed); nothing sent")
                      .arg(out.remotePath, local);
    return true;
}

} // namespace

UploadResult uploadFile(SshConnection& connection, const QString& localPath,
                        const QString& remoteDirectory,
                        const std::function<void(qint64, qint64)>& progress,
                        const std::atomic<bool>* cancel)
{
    UploadResult out;
    QFile file(localPath);
    const QString name = QFileInfo(localPath).fileName();
    if (!file.open(QIODevice::ReadOnly)) {
        out.message = QStringLiteral("Cannot read %1: %2").arg(localPath, file.errorString());
        return out;
    }
    if (!isSafeAbsolutePath(remoteDirectory) || !isSafeAbsolutePath(QStringLiteral("/") + name)) {
        out.message =
            QStringLiteral(
                "Refusing to upload to %1/%2: use plain characters in the folder and file name")
                .arg(remoteDirectory, name);
        return out;
    }
    out.size = file.size();
    out.remotePath = remoteDirectory + QLatin1Char('/') + name;
    const QString part = out.remotePath + QStringLiteral(".part");

    // Where the previous attempt stopped, and room for the rest.
    runCaptured(connection,
                shellCommand({QStringLiteral("mkdir"), QStringLiteral("-p"), remoteDirectory}));
    // A writer left by a dropped attempt (its `cat` may not have seen the end of its input yet)
    // is ended first: the size read below must be final, or the resumed bytes would land at
    // the wrong offset.
    const CapturedOutput stat = runCaptured(
        connection, QStringLiteral("part=%1; %2 if [ -f \"$part\" ]; then stat -c %s \"$part\"; "
                                   "else echo 0; fi")
                        .arg(shellQuote(part), QLatin1String(EndStaleWriters)));
    bool ok = false;
    qint64 existing = stat.stdoutLines.value(0).toLongLong(&ok);
    if (!stat.result.succeeded() || !ok) {
        out.message = QStringLiteral("Cannot read the state of %1 on the host").arg(part);
        return out;
    }
    if (existing == 0 && alreadyThere(connection, file, out)) {
        return out;
    }
    if (existing > out.size) { // not a prefix of this file
        runCaptured(connection, shellCommand({QStringLiteral("rm"), QStringLiteral("-f"), part}));
        existing = 0;
    }
    const CapturedOutput df = runCaptured(
        connection, shellCommand({QStringLiteral("df"), QStringLiteral("-Pk"), remoteDirectory}));
    const qint64 freeMb = parseDfAvailableMegabytes(df.stdoutLines);
    const qint64 neededMb = (out.size - existing) / (1024 * 1024) + MarginMegabytes;
    if (freeMb >= 0 && freeMb < neededMb) {
        out.message =
            QStringLiteral("Not enough free disk in %1 on the host: %2 MB free, %3 MB needed")
                .arg(remoteDirectory)
                .arg(freeMb)
                .arg(neededMb);
        return out;
    }

    // The hash covers the whole file: the part already there is hashed from the local copy.
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hashPrefix(file, existing, hash)) {
        out.message = QStringLiteral("Cannot read %1: %2").arg(localPath, file.errorString());
        return out;
    }
    out.resumedFrom = existing;
    QByteArray buffer;

    ExecChannel channel = openExecChannel(connection, QStringLiteral("cat >> ") + shellQuote(part));
    if (!channel) {
        out.message = QStringLiteral("Cannot start the upload: %1").arg(connection.lastError());
        return out;
    }
    qint64 done = existing;
    if (progress)
        progress(done, out.size);
    while (done < out.size) {
        if (cancel && cancel->load()) {
            out.message =
                QStringLiteral("Upload cancelled at %1 of %2 bytes; a retry continues from there")
                    .arg(done)
                    .arg(out.size);
            return out;
        }
        buffer = file.read(ChunkBytes);
        if (buffer.isEmpty()) {
            out.message = QStringLiteral("Cannot read %1: %2").arg(localPath, file.errorString());
            return out;
        }
        if (ssh_channel_write(channel.get(), buffer.constData(), uint32_t(buffer.size())) !=
            buffer.size()) {
            out.message =
                QStringLiteral(
                    "The connection dropped at %1 of %2 bytes; a retry continues from the "
                    "bytes the host has")
                    .arg(done)
                    .arg(out.size);
            return out;
        }
        hash.addData(buffer);
        done += buffer.size();
        out.sentBytes += buffer.size();
        if (progress)
            progress(done, out.size);
    }
    ssh_channel_send_eof(channel.get());
    const int status = ssh_channel_get_exit_status(channel.get()); // cat has written everything
    channel.reset();
    if (status != 0) {
        out.message = QStringLiteral("Writing %1 on the host failed (disk full?)").arg(part);
        return out;
    }
    out.sha256 = QString::fromLatin1(hash.result().toHex());
    const QString remote = remoteSha256(connection, part, ChecksumTimeoutMs);
    if (remote != out.sha256) {
        runCaptured(connection, shellCommand({QStringLiteral("rm"), QStringLiteral("-f"), part}));
        out.message =
            QStringLiteral(
                "Checksum mismatch after upload (here %1, on the host %2): the partial file was "
                "removed; upload again")
                .arg(out.sha256, remote.isEmpty() ? QStringLiteral("unreadable") : remote);
        return out;
    }
    const CapturedOutput move = runCaptured(
        connection,
        shellCommand({QStringLiteral("mv"), QStringLiteral("-f"), part, out.remotePath}));
    if (!move.result.succeeded()) {
        out.message = QStringLiteral("Cannot rename %1 on the host").arg(part);
        return out;
    }
    out.ok = true;
    out.message = QStringLiteral("uploaded %1 bytes (%2 resumed), sha256 %3 confirmed by the host")
                      .arg(out.size)
                      .arg(out.resumedFrom)
                      .arg(out.sha256);
    return out;
}

} // namespace myst
