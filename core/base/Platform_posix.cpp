#include "core/base/Platform.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <iterator>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pwd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

namespace myst::platform {

void disableCoreDumps()
{
    const rlimit noCore{0, 0};
    setrlimit(RLIMIT_CORE, &noCore);
#ifdef __linux__
    prctl(PR_SET_DUMPABLE, 0);
#endif
}

void restrictNewFilesToOwner()
{
    umask(077);
}

QString defaultStateDirectory()
{
    return QDir::homePath() + QStringLiteral("/.local/state/myst-upgrade");
}

bool makePrivate(const QString& path)
{
    const QFile::Permissions owner = QFile::ReadOwner | QFile::WriteOwner;
    return QFile::setPermissions(path, QFileInfo(path).isDir() ? owner | QFile::ExeOwner : owner);
}

QString accountName()
{
    const passwd* pw = ::getpwuid(::geteuid());
    return pw ? QString::fromLocal8Bit(pw->pw_name) : QString();
}

int endProcess(int status)
{
    return status;
}

bool processExists(qint64 pid)
{
    // Signal 0 only asks whether the process is there.
    return pid > 0 && ::kill(pid_t(pid), 0) == 0;
}

std::optional<QByteArray> processName(qint64 pid)
{
    QFile comm(QStringLiteral("/proc/%1/comm").arg(pid));
    if (!comm.open(QIODevice::ReadOnly)) {
        return std::nullopt;
    }
    return comm.readAll().trimmed();
}

bool isTerminal(Stream stream)
{
    switch (stream) {
    case Stream::Input:
        return isatty(STDIN_FILENO);
    case Stream::Output:
        return isatty(STDOUT_FILENO);
    case Stream::Error:
        return isatty(STDERR_FILENO);
    }
    return false;
}

bool socketPair(Socket pair[2], QString* error)
{
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        *error = QString::fromLocal8Bit(strerror(errno));
        return false;
    }
    pair[0] = fds[0];
    pair[1] = fds[1];
    return true;
}

void setNonBlocking(Socket socket)
{
    const int fd = int(socket);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

namespace {
qint64 transferred(ssize_t result)
{
    if (result >= 0)
        return qint64(result);
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? WouldBlock : SocketError;
}
} // namespace

qint64 socketRead(Socket socket, char* buffer, qint64 size)
{
    return transferred(::read(int(socket), buffer, size_t(size)));
}

qint64 socketWrite(Socket socket, const char* data, qint64 size)
{
    return transferred(::write(int(socket), data, size_t(size)));
}

void shutdownSending(Socket socket)
{
    ::shutdown(int(socket), SHUT_WR);
}

void closeSocket(Socket socket)
{
    ::close(int(socket));
}

void waitForSockets(Socket socket, bool orWritable, Socket other, int timeoutMs)
{
    pollfd fds[2] = {{int(socket), short(POLLIN | (orWritable ? POLLOUT : 0)), 0},
                     {int(other), POLLIN, 0}};
    ::poll(fds, 2, timeoutMs);
}

void enableTcpKeepalive(Socket socket, int idleSeconds, int intervalSeconds, int count)
{
    const int fd = int(socket);
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
#ifdef TCP_KEEPIDLE // Linux; macOS has TCP_KEEPALIVE for the idle time
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idleSeconds, sizeof idleSeconds);
#endif
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intervalSeconds, sizeof intervalSeconds);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

namespace {

// A signal that ends the process while echo is off would leave the operator's shell blind.
// Only the async-signal-safe tcsetattr runs in the handler; the signal is then raised again
// with its default action, so the process ends as it would have.
termios echoingSettings;
const int EndingSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

extern "C" void restoreEchoAndEnd(int signal)
{
    tcsetattr(STDIN_FILENO, TCSADRAIN, &echoingSettings);
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

} // namespace

struct TerminalEchoOff::Saved
{
    struct sigaction previous[std::size(EndingSignals)] = {};
};

TerminalEchoOff::TerminalEchoOff()
{
    if (tcgetattr(STDIN_FILENO, &echoingSettings) != 0) {
        return;
    }
    m_saved = std::make_unique<Saved>();
    struct sigaction restore = {};
    restore.sa_handler = restoreEchoAndEnd;
    sigemptyset(&restore.sa_mask);
    for (int i = 0; i < int(std::size(EndingSignals)); ++i)
        sigaction(EndingSignals[i], &restore, &m_saved->previous[i]);
    termios silent = echoingSettings;
    silent.c_lflag &= ~tcflag_t(ECHO);
    tcsetattr(STDIN_FILENO, TCSADRAIN, &silent);
}

TerminalEchoOff::~TerminalEchoOff()
{
    if (!m_saved) {
        return;
    }
    tcsetattr(STDIN_FILENO, TCSADRAIN, &echoingSettings);
    for (int i = 0; i < int(std::size(EndingSignals)); ++i)
        sigaction(EndingSignals[i], &m_saved->previous[i], nullptr);
}

} // namespace myst::platform
