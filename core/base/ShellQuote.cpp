#include "core/base/ShellQuote.h"

#include <QRegularExpression>

namespace myst {

QString shellQuote(const QString& argument)
{
    // Plain words stay readable in logs and `plan` output; anything else is single-quoted,
    // the only POSIX quoting in which no character is special but the quote itself.
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_./:=@%+,-]+$"));
    if (plain.match(argument).hasMatch()) {
        return argument;
    }
    QString quoted = argument;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

QString shellCommand(const QStringList& argv)
{
    QStringList quoted;
    quoted.reserve(argv.size());
    for (const QString& arg : argv) {
        quoted << shellQuote(arg);
    }
    return quoted.join(QLatin1Char(' '));
}

QString hostCommandLine(const QStringList& argv)
{
    const QString program = argv.value(0);
    const qsizetype slash = program.lastIndexOf(QLatin1Char('/'));
    if (!program.startsWith(QLatin1Char('/')) || slash <= 0 || slash == program.size() - 1) {
        return shellCommand(argv);
    }
    QStringList rest = argv.mid(1);
    rest.prepend(QStringLiteral("./") + program.mid(slash + 1));
    return QStringLiteral("cd -- %1 && %2")
        .arg(shellQuote(program.left(slash)), shellCommand(rest));
}

} // namespace myst
