#include "core/ssh/SshAgent.h"

namespace myst::sshagent {

bool supported()
{
    return true;
}

QString whyNot()
{
    return {};
}

int authenticate(ssh_session session)
{
    return ssh_userauth_agent(session, nullptr);
}

} // namespace myst::sshagent
