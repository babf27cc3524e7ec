#include "core/ssh/HostSession.h"

namespace myst {

CapturedOutput SshHostSession::capture(const QString& commandLine, qint64 timeoutMs)
{
    return runCaptured(m_connection, commandLine, timeoutMs);
}

CommandResult SshHostSession::runDetached(DetachedStep& step, const QString& commandLine,
                                          const LineHandler& lines, qint64 timeoutMs,
                                          const std::atomic<bool>* cancel)
{
    DetachedCommand command(m_connection, step, commandLine);
    command.setTimeoutMs(timeoutMs);
    command.setCancelFlag(cancel);
    command.setLineHandler(lines);
    return command.run();
}

CommandResult SshHostSession::follow(const QString& commandLine, const LineHandler& lines,
                                     qint64 timeoutMs, const std::atomic<bool>* cancel,
                                     const std::function<bool()>& stopWhen)
{
    RemoteCommand command(m_connection, commandLine);
    command.setTimeoutMs(timeoutMs);
    command.setCancelFlag(cancel);
    command.setStopWhen(stopWhen);
    command.setLineHandler(lines);
    return command.run();
}

UploadResult SshHostSession::upload(const QString& localPath, const QString& remoteDirectory,
                                    const Progress& progress, const std::atomic<bool>* cancel)
{
    return uploadFile(m_connection, localPath, remoteDirectory, progress, cancel);
}

CopyResult SshHostSession::copyTo(HostSession& target, const QString& sourcePath,
                                  const QString& targetPath, const Progress& progress,
                                  const std::atomic<bool>* cancel)
{
    auto* ssh = dynamic_cast<SshHostSession*>(&target);
    if (!ssh) {
        CopyResult result;
        result.message = QStringLiteral("cannot copy between an SSH host and %1").arg(target.id());
        return result;
    }
    return copyBetweenHosts(m_connection, sourcePath, ssh->connection(), targetPath, progress,
                            cancel);
}

HostSessionFactory sshHostSessions()
{
    return [](const SshEndpoint& endpoint) { return std::make_unique<SshHostSession>(endpoint); };
}

} // namespace myst
