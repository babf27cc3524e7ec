#include "core/ssh/JumpChain.h"

#include "core/base/AppLog.h"

#include <QElapsedTimer>

#include <atomic>
#include <thread>

namespace myst {

namespace {

constexpr int PumpPollMs = 100;
constexpr int ChunkBytes = 64 * 1024;

// Moves bytes both ways between a hop's channel and its end of the socket pair until either
// side ends or stop is set; then closes its end, so that the session above sees the end too.
void pump(ssh_session session, ssh_channel channel, platform::Socket fd, int keepaliveSeconds,
          const std::atomic<bool>& stop)
{
    platform::setNonBlocking(fd);
    QByteArray toSocket; // read from the channel, not yet taken by the socket
    char buffer[ChunkBytes];
    QElapsedTimer idle;
    idle.start();
    bool channelEof = false;
    while (!stop.load()) {
        bool moved = false;
        if (toSocket.isEmpty() && !channelEof) {
            const int n = ssh_channel_read_nonblocking(channel, buffer, sizeof buffer, 0);
            if (n == SSH_ERROR)
                break;
            if (n > 0) {
                toSocket.append(buffer, n);
            } else if (ssh_channel_is_eof(channel) || ssh_channel_is_closed(channel)) {
                channelEof = true;
                platform::shutdownSending(fd);
            }
        }
        if (!toSocket.isEmpty()) {
            const qint64 w = platform::socketWrite(fd, toSocket.constData(), toSocket.size());
            if (w == platform::SocketError)
                break;
            if (w > 0) {
                toSocket.remove(0, qsizetype(w));
                moved = true;
            }
        }
        const qint64 r = platform::socketRead(fd, buffer, sizeof buffer);
        if (r == 0)
            break; // the session above has closed its end
        if (r == platform::SocketError)
            break;
        if (r > 0) {
            for (qint64 sent = 0; sent < r;) {
                const int n = ssh_channel_write(channel, buffer + sent, uint32_t(r - sent));
                if (n < 0)
                    return platform::closeSocket(fd);
                sent += n;
            }
            moved = true;
        }
        if (moved) {
            idle.restart();
            continue;
        }
        if (channelEof && toSocket.isEmpty())
            break;
        if (keepaliveSeconds > 0 && idle.elapsed() > keepaliveSeconds * 1000) {
            ssh_send_keepalive(session); // a NAT between us and the hop must not forget us
            idle.restart();
        }
        if (ssh_channel_poll(channel, 0) > 0)
            continue; // libssh holds data already: no need to wait for the socket
        platform::waitForSockets(fd, !toSocket.isEmpty(), platform::Socket(ssh_get_fd(session)),
                                 PumpPollMs);
    }
    platform::closeSocket(fd);
}

} // namespace

struct JumpChain::Hop
{
    explicit Hop(const SshEndpoint& endpoint) : connection(endpoint) {}
    ~Hop()
    {
        stop = true;
        if (pumpThread.joinable())
            pumpThread.join();
        if (channel) {
            if (connection.isConnected())
                ssh_channel_close(channel);
            ssh_channel_free(channel);
        }
    }

    SshConnection connection;
    ssh_channel channel = nullptr;
    std::thread pumpThread;
    std::atomic<bool> stop{false};
    std::atomic<bool> ended{false};
};

JumpChain::JumpChain() = default;

JumpChain::~JumpChain()
{
    while (!m_hops.empty())
        m_hops.pop_back(); // innermost first: each rides on the one before
}

bool JumpChain::broken() const
{
    for (const auto& hop : m_hops) {
        if (hop->ended.load())
            return true;
    }
    return false;
}

platform::Socket JumpChain::open(const std::vector<SshEndpoint>& hops, const SshAuth& auth,
                                 const QString& trustedFingerprint, const QString& targetHost,
                                 int targetPort, SshStatus* status)
{
    platform::Socket transport = platform::NoSocket; // the next hop's; none for the first
    for (size_t i = 0; i < hops.size(); ++i) {
        SshEndpoint endpoint = hops[i];
        endpoint.jumps.clear();
        endpoint.processConfig = false; // resolved already
        auto hop = std::make_unique<Hop>(endpoint);
        hop->connection.setTransport(transport);
        SshAuth hopAuth;
        static_cast<SshSecrets&>(hopAuth) = auth.hops.value(endpoint.id(), SshSecrets());
        hopAuth.interactive = auth.interactive;
        hopAuth.askPassword = hopAuth.password.isEmpty();
        SshStatus opened = hop->connection.open(hopAuth, trustedFingerprint);
        if (!opened.ok()) {
            opened.message = QStringLiteral("Jump host %1: %2").arg(endpoint.id(), opened.message);
            opened.hostId = endpoint.id();
            *status = opened;
            return platform::NoSocket;
        }
        const bool last = i + 1 == hops.size();
        const QString nextHost = last ? targetHost : hops[i + 1].host;
        const int nextPort = last ? targetPort : hops[i + 1].port;
        hop->channel = ssh_channel_new(hop->connection.session());
        if (!hop->channel || ssh_channel_open_forward(hop->channel, nextHost.toUtf8().constData(),
                                                      nextPort, "127.0.0.1", 0) != SSH_OK) {
            status->error = SshError::Connect;
            status->hostId = endpoint.id();
            status->message = QStringLiteral("Jump host %1 could not connect us to %2:%3 (%4). "
                                             "Is forwarding allowed there (AllowTcpForwarding), "
                                             "and does the name resolve on the jump host?")
                                  .arg(endpoint.id(), nextHost)
                                  .arg(nextPort)
                                  .arg(hop->connection.lastError());
            return platform::NoSocket;
        }
        platform::Socket pair[2];
        QString pairError;
        if (!platform::socketPair(pair, &pairError)) {
            status->error = SshError::Connect;
            status->message = QStringLiteral("Cannot create a socket pair: %1").arg(pairError);
            return platform::NoSocket;
        }
        Hop* h = hop.get();
        const int keepalive = endpoint.keepaliveSeconds;
        h->pumpThread = std::thread([h, fd = pair[0], keepalive] {
            pump(h->connection.session(), h->channel, fd, keepalive, h->stop);
            h->ended = true;
        });
        log::ssh()->info("{}: connected through jump host {}", nextHost.toStdString(),
                         endpoint.id().toStdString());
        m_hops.push_back(std::move(hop));
        transport = pair[1];
    }
    return transport;
}

} // namespace myst
