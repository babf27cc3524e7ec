#pragma once

#include <QByteArray>
#include <QString>

#include <memory>

namespace myst {

class SshConnection;

// A TCP connection that the MyST host makes on our behalf (an SSH direct-tcpip channel, as
// `ssh -L` uses), seen as a byte stream: the console is reached as the host sees it, also
// when it listens only on the host's own loopback or behind its firewall.
class TunnelStream
{
public:
    virtual ~TunnelStream() = default;
    virtual bool write(const QByteArray& bytes) = 0;
    // Up to `size` bytes: their number, 0 when nothing came within timeoutMs, -1 at the end
    // of the stream or on an error.
    virtual int read(char* buffer, int size, int timeoutMs) = 0;
};

// Opens the tunnel to host:port through the connection; null with *error when the host
// refuses (forwarding disabled, nothing listening).
std::unique_ptr<TunnelStream> openSshTunnel(SshConnection& connection, const QString& host,
                                            int port, QString* error);

} // namespace myst
