#include "core/ssh/RemoteCopy.h"

#include "core/ssh/ExecChannel.h"
#include "core/ssh/OutputFrame.h"

#include "core/base/Sha256.h"
#include "core/base/ShellQuote.h"
#include "core/ssh/RemoteCommand.h"

namespace myst {

namespace {
// The copy's own sha256 checks are quick; the file is a database backup.
constexpr qint64 ChecksumTimeoutMs = 60000;

void discardStderr(ssh_channel channel)
{
    char sink[4096];
    while (ssh_channel_read_nonblocking(channel, sink, sizeof sink, 1) > 0) {
    }
}

} // namespace

CopyResult copyBetweenHosts(SshConnection& source, const QString& sourcePath, SshConnection& target,
                            const QString& targetPath,
                            const std::function<void(qint64, qint64)>& progress,
                            const std::atomic<bool>* cancel)
{
    CopyResult result;
    const QString part = targetPath + QStringLiteral(".part");
    auto removePart = [&] {
        runCaptured(target, shellCommand({QStringLiteral("rm"), QStringLiteral("-f"), part}));
    };

    const CapturedOutput size =
        runCaptured(source, shellCommand({QStringLiteral("stat"), QStringLiteral("-c"),
                                          QStringLiteral("%s"), sourcePath}));
    bool ok = false;
    const qint64 total = size.stdoutLines.value(0).toLongLong(&ok);
    if (!size.result.succeeded() || !ok) {
        result.message = QStringLiteral("Cannot read the size of %1 on %2")
                             .arg(sourcePath, source.endpoint().id());
        return result;
    }
    ExecChannel writer = openExecChannel(target, QStringLiteral("cat > ") + shellQuote(part));
    // The marker first: a login banner must not become the first bytes of the copy.
    ExecChannel reader = openExecChannel(
        source, shellCommand({QStringLiteral("sh"), QStringLiteral("-c"),
                              QStringLiteral("printf '\\036myst-begin\\n'; exec cat -- \"$1\""),
                              QStringLiteral("myst-cat"), sourcePath}));
    OutputFrame frame;
    if (!writer || !reader) {
        result.message = QStringLiteral("Cannot start the copy: %1")
                             .arg(!writer ? target.lastError() : source.lastError());
        writer.reset();
        removePart();
        return result;
    }
    Sha256 hash;
    static thread_local char buffer[64 * 1024];
    qint64 lastReport = -1;
    for (;;) {
        if (cancel && cancel->load()) {
            result.message = QStringLiteral("Copy cancelled");
            break;
        }
        const int n = ssh_channel_read_timeout(reader.get(), buffer, sizeof buffer, 0, 1000);
        if (n == SSH_ERROR) {
            result.message =
                QStringLiteral("Connection to %1 lost during the copy").arg(source.endpoint().id());
            break;
        }
        if (n == 0) {
            // libssh reports end of file only once stderr is read too: a login banner there
            // (a chatty .bashrc) would otherwise keep the copy waiting for ever.
            discardStderr(reader.get());
            if (ssh_channel_is_eof(reader.get())) {
                result.ok = true;
                break;
            }
            continue; // timed out waiting: check cancel, read again
        }
        const QByteArray bytes = frame.feed(buffer, n);
        if (bytes.isEmpty()) {
            continue;
        }
        hash.addData(bytes.constData(), bytes.size());
        if (ssh_channel_write(writer.get(), bytes.constData(), uint32_t(bytes.size())) !=
            bytes.size()) {
            result.message = QStringLiteral("Writing to %1 failed during the copy (disk full?): %2")
                                 .arg(target.endpoint().id(), target.lastError());
            break;
        }
        result.bytes += bytes.size();
        if (progress && (result.bytes - lastReport >= total / 20 || result.bytes == total)) {
            lastReport = result.bytes;
            progress(result.bytes, total);
        }
    }
    ssh_channel_send_eof(writer.get());
    const int writerStatus =
        ssh_channel_get_exit_status(writer.get()); // cat has written everything
    const int readerStatus = result.ok ? ssh_channel_get_exit_status(reader.get()) : -1;
    writer.reset();
    reader.reset();
    if (result.ok && (readerStatus != 0 || writerStatus != 0 || result.bytes != total)) {
        result.ok = false;
        result.message = QStringLiteral("The copy is incomplete: %1 of %2 bytes (cat exit %3 on "
                                        "the source, %4 on the target)")
                             .arg(result.bytes)
                             .arg(total)
                             .arg(readerStatus)
                             .arg(writerStatus);
    }
    if (!result.ok) {
        removePart();
        return result;
    }
    result.sha256 = hash.hexResult();
    const QString atTarget = remoteSha256(target, part, ChecksumTimeoutMs);
    const QString atSource = remoteSha256(source, sourcePath, ChecksumTimeoutMs);
    if (atTarget != result.sha256 || atSource != result.sha256) {
        result.ok = false;
        result.message =
            QStringLiteral(
                "Checksum mismatch: streamed %1, source %2, target %3; the copy was removed")
                .arg(result.sha256, atSource, atTarget);
        removePart();
        return result;
    }
    // A hard link, not mv -f: it fails when the name exists, so no file is ever replaced.
    const CapturedOutput move =
        runCaptured(target, shellCommand({QStringLiteral("sh"), QStringLiteral("-c"),
                                          QStringLiteral("ln -- \"$1\" \"$2\" && rm -f -- \"$1\""),
                                          QStringLiteral("myst-copy"), part, targetPath}));
    if (!move.result.succeeded()) {
        result.ok = false;
        result.message = QStringLiteral("Cannot name the copy %1 on %2 (%3); nothing was "
                                        "overwritten")
                             .arg(targetPath, target.endpoint().id(),
                                  move.stderrLines.value(0, move.result.describe()));
        removePart();
        return result;
    }
    result.message = QStringLiteral("copied %1 bytes, sha256 %2 on both hosts")
                         .arg(result.bytes)
                         .arg(result.sha256);
    return result;
}

} // namespace myst
