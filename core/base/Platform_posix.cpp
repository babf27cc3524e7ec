#include "core/base/Platform.h"

#include <QFile>

#include <csignal>
#include <iterator>
#include <sys/resource.h>
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
