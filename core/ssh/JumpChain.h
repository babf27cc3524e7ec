#pragma once

#include "core/ssh/SshConnection.h"

#include <memory>
#include <vector>

namespace myst {

// The jump hosts on the way to a target (ProxyJump, done here instead of by an `ssh -W`
// subprocess). Each hop is an SshConnection like the target's: its host key checked strictly
// against the site's known_hosts, the same logins and keychain secrets, the operator's
// prompts. Each hop carries the next one's SSH session in a direct-tcpip channel; a pump thread
// per hop moves bytes between that channel and one end of a socket pair, and the next session
// runs on the other end (SSH_OPTIONS_FD). From the moment its pump starts, a hop's libssh
// session is touched by that thread alone, as libssh requires.
class JumpChain
{
public:
    JumpChain();
    ~JumpChain(); // stops the pumps and closes the hops, innermost first
    JumpChain(const JumpChain&) = delete;
    JumpChain& operator=(const JumpChain&) = delete;

    // Connects hop by hop to `targetHost:targetPort`. Returns the socket the target's session
    // is to use (libssh closes it with that session), or NoSocket with *status naming the hop.
    platform::Socket open(const std::vector<SshEndpoint>& hops, const SshAuth& auth,
                          const QString& trustedFingerprint, const QString& targetHost,
                          int targetPort, SshStatus* status);
    // A hop's connection has ended (its pump stopped): the target's session goes with it.
    bool broken() const;

private:
    struct Hop;
    std::vector<std::unique_ptr<Hop>> m_hops;
};

} // namespace myst
