#include "core/ssh/SshAgent.h"

namespace myst::sshagent {

bool supported()
{
    return false;
}

QString whyNot()
{
    return QStringLiteral("an SSH agent cannot be used on Windows (libssh 0.10 has no agent "
                          "client there, and Windows' agent and Pageant listen on named pipes): "
                          "give the host a key file or a password");
}

int authenticate(ssh_session)
{
    return SSH_AUTH_DENIED;
}

} // namespace myst::sshagent
