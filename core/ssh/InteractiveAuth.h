#pragma once

#include "core/ssh/SshEndpoint.h"

#include <libssh/libssh.h>

namespace myst {

// Whether a keyboard-interactive prompt asks for the account's password ("Password:",
// "alice@host's password:") rather than for something else (a one-time code, a new password,
// a token): only then may a stored password answer it.
bool isPasswordPrompt(const QString& prompt);

// Who answers for this login: its own responder, else the process's (may be empty).
InteractiveResponder responderFor(const SshAuth& auth);

struct InteractiveOutcome
{
    int rc = SSH_AUTH_DENIED; // libssh's answer to the last round
    QString note;             // why nothing more could be answered
};

// keyboard-interactive, round by round: the stored password answers the first prompt that asks
// for it; every other prompt (a code, a second try at the password) goes to the responder,
// with the server's name, instruction and echo flags. Nothing typed is kept.
InteractiveOutcome authenticateInteractive(ssh_session session, const QString& endpointId,
                                           const SshAuth& auth);

// The account's password, asked of the operator through the responder (for a server that
// offers only the password method); empty with *why when nobody answered.
QString askForPassword(const QString& endpointId, const SshAuth& auth, QString* why);

} // namespace myst
