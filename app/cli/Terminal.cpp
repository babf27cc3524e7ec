#include "app/cli/Terminal.h"

#include "core/base/TerminalText.h"

#include <QStringList>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <termios.h>
#include <unistd.h>

namespace myst::terminal {

namespace {

void writeToStderr(const QString& text)
{
    std::fputs(text.toUtf8().constData(), stderr);
    std::fflush(stderr);
}

std::optional<QByteArray> readStdinLine(int maxBytes)
{
    QByteArray buffer(maxBytes, '\0');
    const bool read = std::fgets(buffer.data(), maxBytes, stdin) != nullptr;
    QByteArray line(buffer.constData()); // up to the terminating zero fgets wrote
    // The buffer may hold a secret, and QByteArray frees its memory without wiping it.
    std::memset(buffer.data(), 0, buffer.size());
    if (!read) {
        return std::nullopt;
    }
    while (line.endsWith('\n') || line.endsWith('\r'))
        line.chop(1);
    return line;
}

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

// Echo off while it lives: what `stty -echo` did, without starting a shell.
class EchoOff
{
public:
    EchoOff()
    {
        m_active = tcgetattr(STDIN_FILENO, &echoingSettings) == 0;
        if (!m_active) {
            return;
        }
        struct sigaction restore = {};
        restore.sa_handler = restoreEchoAndEnd;
        sigemptyset(&restore.sa_mask);
        for (int i = 0; i < int(std::size(EndingSignals)); ++i)
            sigaction(EndingSignals[i], &restore, &m_previous[i]);
        termios silent = echoingSettings;
        silent.c_lflag &= ~tcflag_t(ECHO);
        tcsetattr(STDIN_FILENO, TCSADRAIN, &silent);
    }
    ~EchoOff()
    {
        if (!m_active) {
            return;
        }
        tcsetattr(STDIN_FILENO, TCSADRAIN, &echoingSettings);
        for (int i = 0; i < int(std::size(EndingSignals)); ++i)
            sigaction(EndingSignals[i], &m_previous[i], nullptr);
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

private:
    bool m_active = false;
    struct sigaction m_previous[std::size(EndingSignals)] = {};
};

} // namespace

QString plainLines(const QString& text)
{
    QStringList lines = text.split(QLatin1Char('\n'));
    for (QString& line : lines)
        line = plainTerminalText(line);
    return lines.join(QLatin1Char('\n'));
}

bool stdinIsTerminal()
{
    return isatty(STDIN_FILENO);
}

std::optional<QByteArray> readLine(const QString& prompt, int maxBytes)
{
    writeToStderr(prompt);
    return readStdinLine(maxBytes);
}

std::optional<QByteArray> readSecretLine(const QString& prompt, int maxBytes)
{
    if (!stdinIsTerminal()) {
        return readStdinLine(maxBytes);
    }
    writeToStderr(prompt);
    std::optional<QByteArray> line;
    {
        const EchoOff echoOff;
        line = readStdinLine(maxBytes);
    }
    // The Enter the operator typed was not echoed either.
    writeToStderr(QStringLiteral("\n"));
    return line;
}

} // namespace myst::terminal
