#pragma once

#include "core/ssh/RemoteCommand.h"
#include "core/ssh/SshConnection.h"

#include <QObject>
#include <QThread>

#include <atomic>
#include <memory>

Q_DECLARE_METATYPE(myst::SshStatus)

namespace myst {

// Connects and runs one command on a worker thread of its own; everything comes back as
// queued signals, so the GUI thread never waits on the network. Deleting the job cancels the
// command and waits (briefly) for the worker.
class RemoteCommandJob : public QObject
{
    Q_OBJECT
public:
    RemoteCommandJob(SshEndpoint endpoint, SshAuth auth, QString commandLine,
                     QObject* parent = nullptr);
    ~RemoteCommandJob() override;

    void setTrustedFingerprint(const QString& fingerprint) { m_trusted = fingerprint; }
    void setTimeoutMs(qint64 ms) { m_timeoutMs = ms; }
    void start();
    void cancel() { m_cancel = true; }
    bool isRunning() const { return m_thread && m_thread->isRunning(); }

signals:
    void connectFailed(const myst::SshStatus& status);
    void lineReceived(myst::OutputStream stream, const QString& line);
    void finished(const myst::CommandResult& result);

private:
    void work();

    SshEndpoint m_endpoint;
    SshAuth m_auth;
    QString m_commandLine;
    QString m_trusted;
    qint64 m_timeoutMs = 0;
    std::atomic<bool> m_cancel{false};
    std::unique_ptr<QThread> m_thread;
};

void registerCoreMetaTypes();

} // namespace myst
