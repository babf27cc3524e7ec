#pragma once

#include <QByteArray>
#include <QtGlobal>

#include <memory>
#include <optional>

// What differs between operating systems, in one place: the rest of the program calls these
// and nothing of <unistd.h>, <termios.h> or <signal.h> directly. Platform_posix.cpp is the one
// implementation today (Linux; macOS as far as POSIX goes); docs/PORTING.md says what a
// Platform_windows.cpp needs.
namespace myst::platform {

// --- Process hardening (core/base/ProcessHardening) ---

// No core dump of this process, and not dumpable (ptrace-readable) by the user's other
// processes: it holds passwords and passphrases in memory.
void disableCoreDumps();
// Files and folders this process creates are the user's only (umask 077).
void restrictNewFilesToOwner();

// --- Other processes (the journal's "is the run's owner still alive") ---

// A process with this ID exists on this computer.
bool processExists(qint64 pid);
// Its program's name (Linux: /proc/PID/comm, up to 15 bytes), or none where it cannot be read.
std::optional<QByteArray> processName(qint64 pid);

// --- The terminal (app/cli/Terminal) ---

enum class Stream
{
    Input,
    Output,
    Error
};
// The standard stream is a terminal (not a pipe or a file).
bool isTerminal(Stream stream);

// While it lives, what is typed on the terminal of standard input is not echoed: what
// `stty -echo` does, without starting a shell. Echo comes back when it is destroyed, and also
// when a signal (Ctrl-C, SIGTERM, SIGHUP, SIGQUIT) ends the process meanwhile: the process
// then still ends as that signal would have ended it. Does nothing if stdin is no terminal.
class TerminalEchoOff
{
public:
    TerminalEchoOff();
    ~TerminalEchoOff();
    TerminalEchoOff(const TerminalEchoOff&) = delete;
    TerminalEchoOff& operator=(const TerminalEchoOff&) = delete;

private:
    struct Saved;
    std::unique_ptr<Saved> m_saved; // null when stdin is no terminal
};

} // namespace myst::platform
