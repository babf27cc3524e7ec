#include "app/cli/TerminalPrompts.h"

#include "app/cli/Terminal.h"

#include <QStringList>

#include <cstdio>
#include <mutex>

namespace myst::terminal {

InteractiveResponder terminalResponder()
{
    return [](const InteractiveChallenge& challenge, QStringList* answers, QString* why) {
        if (!stdinIsTerminal()) {
            *why = QStringLiteral("%1 asks for \"%2\", and standard input is not a terminal, so "
                                  "I cannot ask you; run the command in a terminal")
                       .arg(challenge.endpointId, challenge.prompts.first().text.trimmed());
            return false;
        }
        // Several hosts may ask at once (phased runs connect two); one conversation at a time.
        static std::mutex terminalMutex;
        const std::lock_guard<std::mutex> lock(terminalMutex);
        // What the server sends is shown as plain text: it could hold escape sequences.
        QString header = QStringLiteral("%1 asks:").arg(challenge.endpointId);
        for (const QString& part : {challenge.name, challenge.instruction}) {
            if (!part.trimmed().isEmpty())
                header += QLatin1Char('\n') + plainLines(part.trimmed());
        }
        std::fputs((header + QLatin1Char('\n')).toUtf8().constData(), stderr);
        for (const InteractivePrompt& prompt : challenge.prompts) {
            const QString text = plainLines(prompt.text);
            const std::optional<QByteArray> line =
                prompt.echo ? readLine(text, 1024) : readSecretLine(text, 1024);
            if (!line) {
                *why = QStringLiteral("no answer to \"%1\"").arg(prompt.text.trimmed());
                return false;
            }
            *answers << QString::fromUtf8(*line);
        }
        return true;
    };
}

} // namespace myst::terminal
