#pragma once

#include "core/base/Platform.h"
#include "core/ssh/SshEndpoint.h"

#include <QStringList>

#include <libssh/libssh.h>
#include <libssh/server.h> // ssh_send_keepalive: a client may send it too

#include <QElapsedTimer>

#include <memory>

namespace myst {

class JumpChain;

enum class SshError
{
    None,
    HostKeyUnknown, // not in known_hosts: the caller may trust the fingerprint and retry
    HostKeyChanged, // differs from known_hosts (or another key type is known): refused
    Connect,        // cannot reach the host
    Auth,           // the server refused every method we tried
    Channel,        // a channel could not be opened or failed
    Lost,           // the connection dropped
};

struct SshStatus
{
    SshError error = SshError::None;
    QString message;
    QString fingerprint;      // the server's key, "SHA256:…"
    QString knownFingerprint; // with HostKeyChanged: the key known_hosts expects
    QStringList offeredMethods;
    // Whose key or login this is about: the target's id(), or a jump host's.
    QString hostId;

    bool ok() const { return error == SshError::None; }
};

// One SSH session. Thread-confined: it is created, used and destroyed by one (worker)
// thread; libssh sessions are not safe to share, and the GUI thread must never block on one.
class SshConnection
{
public:
    explicit SshConnection(SshEndpoint endpoint);
    ~SshConnection();
    SshConnection(const SshConnection&) = delete;
    SshConnection& operator=(const SshConnection&) = delete;

    // Connects and verifies the host key strictly. An unknown key is accepted only when its
    // fingerprint equals trustedFingerprint (the user saw and accepted it); it is then added
    // to known_hosts. A changed key is always refused and known_hosts is left untouched.
    SshStatus connectToHost(const QString& trustedFingerprint = {});
    // Tries, in order: the identity file, ssh-agent, password, keyboard-interactive (prompts
    // go to the responder); a partial success (AuthenticationMethods a,b) goes on to the next.
    SshStatus authenticate(const SshAuth& auth);
    SshStatus open(const SshAuth& auth, const QString& trustedFingerprint = {});
    void disconnect();

    bool isConnected() const;
    ssh_session session() const { return m_session; }
    const SshEndpoint& endpoint() const { return m_endpoint; }
    // The endpoint as connected: after ~/.ssh/config, with the jump hosts on the way.
    const SshEndpoint& resolved() const { return m_resolved; }
    QString lastError() const;
    // Sends keepalive@openssh.com when settings' interval has passed since the last one; the
    // loops that wait on a channel call it, on the connection's thread.
    void keepAliveIfDue();
    // Runs the session over this socket instead of a TCP connection of its own (a jump host's
    // channel). libssh closes it with the session.
    void setTransport(platform::Socket fd) { m_transportFd = fd; }

private:
    SshStatus fail(SshError error, const QString& message);
    SshStatus verifyHostKey(const QString& trustedFingerprint);
    void enableTcpKeepalive();
    int authenticateWithKey(const QString& identity, const QString& passphrase, QStringList* tried,
                            QStringList* notes);

    SshEndpoint m_endpoint;
    SshEndpoint m_resolved;
    SshAuth m_auth; // for the jump hosts, kept only while connecting
    ssh_session m_session = nullptr;
    std::unique_ptr<JumpChain> m_jumps;
    platform::Socket m_transportFd = platform::NoSocket;
    bool m_authenticated = false;
    QElapsedTimer m_sinceKeepalive;
};

QString sshErrorName(SshError error);
// True when the private key file cannot be read without a passphrase.
bool keyNeedsPassphrase(const QString& identityFile);
QString fingerprintOf(ssh_key key);

} // namespace myst
