#pragma once

#include <libssh/libssh.h>

#include <QString>

// The SSH agent, where libssh can reach one. libssh 0.10's agent client talks to
// $SSH_AUTH_SOCK, a Unix socket, and is left out of its Windows build altogether (its header
// declares ssh_userauth_agent only #ifndef _WIN32), while Windows' OpenSSH agent and Pageant
// listen on named pipes. SshAgent_posix.cpp and SshAgent_win.cpp, chosen by CMake, say which.
namespace myst::sshagent {

// An agent can be used for logins on this system.
bool supported();
// Why not, for the Hosts page and a failed login's note; empty where it can.
QString whyNot();
// Logs in with the agent's keys: ssh_userauth_agent, or SSH_AUTH_DENIED where there is none.
int authenticate(ssh_session session);

} // namespace myst::sshagent
