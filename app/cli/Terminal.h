#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace myst::terminal {

// What came from a host, made plain text line by line before it reaches the operator's
// terminal: its escape sequences could retitle the window, clear the screen or fill the
// clipboard.
QString plainLines(const QString& text);

bool stdinIsTerminal();

// Writes the prompt on stderr and reads one line from stdin, without its line end and, as
// fgets does, of at most maxBytes - 1 bytes. None at the end of the input.
std::optional<QByteArray> readLine(const QString& prompt, int maxBytes);

// The same for a password or passphrase: on a terminal the prompt is shown and nothing typed
// is echoed (echo comes back afterwards, also when reading fails or the operator presses
// Ctrl-C); from a pipe the line is read without a prompt.
std::optional<QByteArray> readSecretLine(const QString& prompt, int maxBytes);

} // namespace myst::terminal
