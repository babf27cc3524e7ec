#include "app/cli/CliApp.h"

#include "app/cli/CommandContext.h"
#include "app/cli/CommandTable.h"
#include "app/cli/ExitCode.h"
#include "app/cli/JsonLinesOutput.h"
#include "app/cli/TerminalPrompts.h"
#include "app/cli/TextOutput.h"

#include <QCoreApplication>
#include <QTextStream>
#include <QTimer>

#include <cstdio>
#include <utility>

namespace myst {

namespace {

// --name value, --name=value and --flag; on a word that is none of them, says which.
bool parseOptions(const QStringList& args, QMap<QString, QString>* options, QSet<QString>* flags,
                  QString* error)
{
    for (int i = 0; i < args.size(); ++i) {
        const QString a = args.at(i);
        if (!a.startsWith(QLatin1String("--"))) {
            *error = QStringLiteral("unexpected argument \"%1\"").arg(a);
            return false;
        }
        QString name = a.mid(2);
        QString value;
        const int eq = name.indexOf(QLatin1Char('='));
        if (eq >= 0) {
            value = name.mid(eq + 1);
            name = name.left(eq);
        }
        if (isValueOption(name)) {
            if (eq < 0) {
                if (i + 1 >= args.size()) {
                    *error = QStringLiteral("--%1 needs a value").arg(name);
                    return false;
                }
                value = args.at(++i);
            }
            options->insert(name, value);
        } else if (isFlagOption(name) && eq < 0) {
            flags->insert(name);
        } else {
            *error = QStringLiteral("unknown option --%1").arg(name);
            return false;
        }
    }
    return true;
}

void printOnStdout(const QString& text)
{
    QTextStream out(stdout);
    out << text;
}

} // namespace

CliApp::CliApp(QStringList arguments, QObject* parent)
    : QObject(parent), m_arguments(std::move(arguments))
{
    registerRunnerMetaTypes();
    setDefaultInteractiveResponder(terminal::terminalResponder());
}

CliApp::~CliApp() = default;

void CliApp::start()
{
    QTimer::singleShot(0, this, &CliApp::run);
}

void CliApp::run()
{
    QStringList args = m_arguments.mid(1);
    if (args.isEmpty() || args.first() == QLatin1String("--help") ||
        args.first() == QLatin1String("-h")) {
        printOnStdout(usageText());
        QCoreApplication::exit(args.isEmpty() ? ExitUsage : ExitOk);
        return;
    }
    if (args.first() == QLatin1String("--version")) {
        printOnStdout(
            QStringLiteral("myst-upgrade %1\n").arg(QCoreApplication::applicationVersion()));
        QCoreApplication::exit(ExitOk);
        return;
    }
    const QString commandName = args.takeFirst();
    QMap<QString, QString> options;
    QSet<QString> flags;
    QString error;
    if (!parseOptions(args, &options, &flags, &error)) {
        // Whether --json was given is known only once the whole line has been read.
        TextOutput().usageError(error);
        QCoreApplication::exit(ExitUsage);
        return;
    }
    if (flags.contains(QStringLiteral("json"))) {
        m_output = std::make_unique<JsonLinesOutput>();
    } else {
        m_output = std::make_unique<TextOutput>();
    }
    const CommandSpec* command = commandNamed(commandName);
    if (!command) {
        m_output->usageError(
            QStringLiteral("unknown command \"%1\"\n%2").arg(commandName, usageText()));
        QCoreApplication::exit(ExitUsage);
        return;
    }
    if (flags.contains(QStringLiteral("help"))) {
        printOnStdout(commandHelpText(*command));
        QCoreApplication::exit(ExitOk);
        return;
    }
    m_context = std::make_unique<CommandContext>(std::move(options), std::move(flags), *m_output);
    command->run(*m_context);
}

} // namespace myst
