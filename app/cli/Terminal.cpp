#include "app/cli/Terminal.h"

#include "core/base/Platform.h"
#include "core/base/TerminalText.h"

#include <QStringList>

#include <cstdio>
#include <cstring>

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
    return platform::isTerminal(platform::Stream::Input);
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
        const platform::TerminalEchoOff echoOff;
        line = readStdinLine(maxBytes);
    }
    // The Enter the operator typed was not echoed either.
    writeToStderr(QStringLiteral("\n"));
    return line;
}

} // namespace myst::terminal
