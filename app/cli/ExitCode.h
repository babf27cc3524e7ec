#pragma once

#include "core/ssh/SshConnection.h"

namespace myst {

// Exit codes of the command-line contract (DESIGN §2). Unscoped: they are compared with and
// combined into the plain int the process ends with.
enum ExitCode
{
    ExitOk = 0,
    ExitStepFailed = 1,
    ExitUsage = 2,
    ExitHostKey = 3,
    ExitConnect = 4,
};

// A connection that failed ends the process with the code scripts tell apart: the host key
// needs a person, a host that cannot be reached may be retried, the rest is a failed step.
inline int exitCodeFor(SshError error)
{
    switch (error) {
    case SshError::HostKeyUnknown:
    case SshError::HostKeyChanged:
        return ExitHostKey;
    case SshError::Connect:
    case SshError::Auth:
    case SshError::Lost:
        return ExitConnect;
    default:
        return ExitStepFailed;
    }
}

} // namespace myst
