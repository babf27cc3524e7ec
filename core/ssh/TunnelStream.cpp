#include "core/ssh/TunnelStream.h"

#include "core/ssh/SshConnection.h"

namespace myst {

namespace {
class SshTunnelStream : public TunnelStream
{
public:
    explicit SshTunnelStream(ssh_channel channel) : m_channel(channel) {}
    ~SshTunnelStream() override
    {
        ssh_channel_close(m_channel);
        ssh_channel_free(m_channel);
    }

    bool write(const QByteArray& bytes) override
    {
        qsizetype sent = 0;
        while (sent < bytes.size()) {
            const int n = ssh_channel_write(m_channel, bytes.constData() + sent,
                                            uint32_t(bytes.size() - sent));
            if (n < 0)
                return false;
            sent += n;
        }
        return true;
    }

    int read(char* buffer, int size, int timeoutMs) override
    {
        const int n = ssh_channel_read_timeout(m_channel, buffer, uint32_t(size), 0, timeoutMs);
        if (n > 0)
            return n;
        if (n == SSH_ERROR || ssh_channel_is_eof(m_channel) || ssh_channel_is_closed(m_channel))
            return -1;
        return 0;
    }

private:
    ssh_channel m_channel;
};
} // namespace

std::unique_ptr<TunnelStream> openSshTunnel(SshConnection& connection, const QString& host,
                                            int port, QString* error)
{
    ssh_channel channel =
        connection.isConnected() ? ssh_channel_new(connection.session()) : nullptr;
    if (!channel) {
        *error = QStringLiteral("not connected to %1").arg(connection.endpoint().id());
        return nullptr;
    }
    if (ssh_channel_open_forward(channel, host.toUtf8().constData(), port, "127.0.0.1", 0) !=
        SSH_OK) {
        *error = QStringLiteral("%1 could not open a connection to %2:%3 for us (%4)")
                     .arg(connection.endpoint().id(), host)
                     .arg(port)
                     .arg(connection.lastError());
        ssh_channel_free(channel);
        return nullptr;
    }
    return std::make_unique<SshTunnelStream>(channel);
}

} // namespace myst
