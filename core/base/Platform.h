#pragma once

#include <QByteArray>
#include <QString>
#include <QtGlobal>

#include <memory>
#include <optional>

// What differs between operating systems, in one place: the rest of the program calls these
// and nothing of <unistd.h>, <termios.h>, <signal.h> or <winsock2.h> directly.
// Platform_posix.cpp (Linux; macOS as far as POSIX goes) and Platform_win.cpp implement it;
// docs/PORTING.md has the table of what each does.
namespace myst::platform {

// --- Process hardening (core/base/ProcessHardening) ---

// No core dump of this process, and not dumpable (ptrace-readable) by the user's other
// processes: it holds passwords and passphrases in memory.
void disableCoreDumps();
// Files and folders this process creates are the user's only (umask 077).
void restrictNewFilesToOwner();

// --- Files (core/base/StatePaths, the site file, ~/.ssh) ---

// Where this user's state folder (journals, step logs, the log) is when $XDG_STATE_HOME is not
// set: ~/.local/state/myst-upgrade on POSIX, %LOCALAPPDATA%\myst-upgrade on Windows.
QString defaultStateDirectory();
// The file or folder is readable and writable by the current user only: mode 0600 or 0700 on
// POSIX; on Windows a protected DACL (no inherited entries) granting the user's SID alone full
// control, inherited by what a folder holds. False if that could not be done.
bool makePrivate(const QString& path);
// The name of the account this process runs as, or empty where it cannot be read.
QString accountName();

// --- Other processes (the journal's "is the run's owner still alive") ---

// A process with this ID exists on this computer.
bool processExists(qint64 pid);
// Its program's name (Linux: /proc/PID/comm, up to 15 bytes; Windows: the program's file name
// without .exe), or none where it cannot be read.
std::optional<QByteArray> processName(qint64 pid);

// --- Sockets (core/ssh: a jump host's channel pumped into a socket pair, TCP keepalive) ---

// A socket as libssh takes it (its socket_t): an int on POSIX, a SOCKET on Windows.
using Socket = qintptr;
constexpr Socket NoSocket = -1;
// Two connected stream sockets, not inherited by child processes: socketpair() on POSIX; on
// Windows, which has none, a TCP connection over 127.0.0.1 through a listener that is closed
// again at once. False, and why in *error, if they cannot be made.
bool socketPair(Socket pair[2], QString* error);
void setNonBlocking(Socket socket);
// What recv()/send() did: the bytes moved; 0 at the end (read only); WouldBlock when nothing
// can move now (non-blocking, or interrupted); SocketError when the socket is broken.
constexpr qint64 WouldBlock = -1;
constexpr qint64 SocketError = -2;
qint64 socketRead(Socket socket, char* buffer, qint64 size);
qint64 socketWrite(Socket socket, const char* data, qint64 size);
// No more bytes will be sent: the peer reads the end.
void shutdownSending(Socket socket);
void closeSocket(Socket socket);
// Waits at most timeoutMs until `socket` can be read (or written, if `orWritable`), or `other`
// can be read.
void waitForSockets(Socket socket, bool orWritable, Socket other, int timeoutMs);
// The system notices a dead peer (laptop asleep, VPN gone) even when no data flows: the first
// probe after idleSeconds without traffic, then every intervalSeconds, `count` unanswered
// probes end the connection (Windows always sends 10).
void enableTcpKeepalive(Socket socket, int idleSeconds, int intervalSeconds, int count);

// --- The end of the process (both main()s) ---

// Ends the process with `status` once main's own work is done and its output and log are
// flushed. POSIX: returns `status`, for main() to return as usual. Windows: ends the process
// there (TerminateProcess), skipping the DLLs' detach handlers, which ExitProcess runs after
// every other thread is gone: under MinGW one of them (a detach that waits for a thread it
// had) then waits for ever, and `check` never returned although its output was complete.
int endProcess(int status);

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
// when a signal (Ctrl-C, SIGTERM, SIGHUP, SIGQUIT; on Windows Ctrl-C, Ctrl-Break, the console
// closed) ends the process meanwhile: the process then still ends as that signal would have
// ended it. Does nothing if stdin is no terminal.
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
