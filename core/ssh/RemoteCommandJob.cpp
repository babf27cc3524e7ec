#include "core/ssh/RemoteCommandJob.h"

namespace myst {

void registerCoreMetaTypes()
{
    qRegisterMetaType<myst::SshStatus>();
    qRegisterMetaType<myst::OutputStream>();
    qRegisterMetaType<myst::CommandResult>();
}

RemoteCommandJob::RemoteCommandJob(SshEndpoint endpoint, SshAuth auth, QString commandLine,
                                   QObject* parent)
    : QObject(parent), m_endpoint(std::move(endpoint)), m_auth(std::move(auth)),
      m_commandLine(std::move(commandLine))
{
    registerCoreMetaTypes();
}

RemoteCommandJob::~RemoteCommandJob()
{
    if (m_thread) {
        m_cancel = true;
        m_thread->wait();
    }
}

void RemoteCommandJob::start()
{
    m_cancel = false;
    m_thread.reset(QThread::create([this] { work(); }));
    m_thread->start();
}

void RemoteCommandJob::work()
{
    // Runs on the worker: the session is created, used and freed here only. Signals emitted
    // from here reach receivers in other threads as queued events.
    SshConnection connection(m_endpoint);
    const SshStatus status = connection.open(m_auth, m_trusted);
    if (!status.ok()) {
        emit connectFailed(status);
        return;
    }
    RemoteCommand command(connection, m_commandLine);
    command.setTimeoutMs(m_timeoutMs);
    command.setCancelFlag(&m_cancel);
    command.setLineHandler(
        [this](OutputStream stream, const QString& line) { emit lineReceived(stream, line); });
    emit finished(command.run());
}

} // namespace myst
