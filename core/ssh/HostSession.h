#pragma once

#include "core/ssh/DetachedCommand.h"
#include "core/ssh/RemoteCommand.h"
#include "core/ssh/RemoteCopy.h"
#include "core/ssh/SshEndpoint.h"
#include "core/ssh/TunnelStream.h"
#include "core/ssh/Upload.h"

#include <atomic>
#include <functional>
#include <memory>

namespace myst {

// Everything a run does on one host, as one interface: the seam between the engine and SSH.
// SshHostSession is the real one (libssh, one session, thread-confined like SshConnection);
// tests drive the Runner through a scripted one (KeePassXC's setRemoteProcessFunc, in the
// same spirit). Blocking calls: use them on the run's worker thread.
class HostSession
{
public:
    using LineHandler = RemoteCommand::LineHandler;
    using Progress = std::function<void(qint64 done, qint64 total)>;

    virtual ~HostSession() = default;

    // Connects (again, after a drop) and logs in; the host key is checked strictly.
    virtual SshStatus open(const SshAuth& auth) = 0;
    virtual bool isConnected() const = 0;
    virtual QString id() const = 0; // "user@host:port"
    virtual QString lastError() const = 0;

    // A short query: its stdout and stderr, within LineTail's bounds.
    virtual CapturedOutput capture(const QString& commandLine, qint64 timeoutMs = 60000) = 0;
    // A step's command, detached on the host (DetachedCommand): reattaches after a drop.
    virtual CommandResult runDetached(DetachedStep& step, const QString& commandLine,
                                      const LineHandler& lines, qint64 timeoutMs,
                                      const std::atomic<bool>* cancel) = 0;
    // A command followed line by line until it ends, times out, is cancelled or stopWhen()
    // holds (output-logs.sh never ends by itself).
    virtual CommandResult follow(const QString& commandLine, const LineHandler& lines,
                                 qint64 timeoutMs, const std::atomic<bool>* cancel,
                                 const std::function<bool()>& stopWhen) = 0;
    virtual UploadResult upload(const QString& localPath, const QString& remoteDirectory,
                                const Progress& progress, const std::atomic<bool>* cancel) = 0;
    // This host's file, streamed through this computer to `target` (sha256 checked).
    virtual CopyResult copyTo(HostSession& target, const QString& sourcePath,
                              const QString& targetPath, const Progress& progress,
                              const std::atomic<bool>* cancel) = 0;
    // A TCP connection from the host to host:port (the console, as the host sees it).
    virtual std::unique_ptr<TunnelStream> openTunnel(const QString& host, int port,
                                                     QString* error) = 0;
};

using HostSessionFactory = std::function<std::unique_ptr<HostSession>(const SshEndpoint&)>;

// The real thing: one SSH session to the host, its own or one borrowed for a call.
class SshHostSession : public HostSession
{
public:
    explicit SshHostSession(SshEndpoint endpoint)
        : m_owned(std::make_unique<SshConnection>(std::move(endpoint))), m_connection(*m_owned)
    {
    }
    explicit SshHostSession(SshConnection& borrowed) : m_connection(borrowed) {}

    SshStatus open(const SshAuth& auth) override { return m_connection.open(auth); }
    bool isConnected() const override { return m_connection.isConnected(); }
    QString id() const override { return m_connection.endpoint().id(); }
    QString lastError() const override { return m_connection.lastError(); }
    CapturedOutput capture(const QString& commandLine, qint64 timeoutMs) override;
    CommandResult runDetached(DetachedStep& step, const QString& commandLine,
                              const LineHandler& lines, qint64 timeoutMs,
                              const std::atomic<bool>* cancel) override;
    CommandResult follow(const QString& commandLine, const LineHandler& lines, qint64 timeoutMs,
                         const std::atomic<bool>* cancel,
                         const std::function<bool()>& stopWhen) override;
    UploadResult upload(const QString& localPath, const QString& remoteDirectory,
                        const Progress& progress, const std::atomic<bool>* cancel) override;
    CopyResult copyTo(HostSession& target, const QString& sourcePath, const QString& targetPath,
                      const Progress& progress, const std::atomic<bool>* cancel) override;
    std::unique_ptr<TunnelStream> openTunnel(const QString& host, int port, QString* error) override
    {
        return openSshTunnel(m_connection, host, port, error);
    }

    SshConnection& connection() { return m_connection; }

private:
    std::unique_ptr<SshConnection> m_owned;
    SshConnection& m_connection;
};

// The factory runs use unless a test gives another.
HostSessionFactory sshHostSessions();

} // namespace myst
