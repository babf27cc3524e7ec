#pragma once

#include "core/ssh/SshEndpoint.h"

namespace myst::terminal {

// Keyboard-interactive prompts (a one-time code, a password the keychain does not hold) asked
// on the terminal: the server's name and instruction first, then each prompt, echoed only when
// the server says so. From a pipe it refuses, saying what was asked: a script cannot answer a
// code, and reading one from the pipe would swallow the input meant for something else.
InteractiveResponder terminalResponder();

} // namespace myst::terminal
