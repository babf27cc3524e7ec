#include "app/cli/CliApp.h"

#include "app/cli/CommandContext.h"
#include "app/cli/ExitCode.h"
#include "app/cli/JsonLinesOutput.h"
#include "app/cli/TextOutput.h"
#include "app/cli/commands/Commands.h"

#include <QCoreApplication>
#include <QTextStream>
#include <QTimer>

#include <cstdio>
#include <utility>

namespace myst {

namespace {

const char* const Usage = R"(Usage:
  myst-upgrade check    --site SITE [--role ROLE]
  myst-upgrade plan     --site SITE --approach APPROACH --version V [--image-tar FILE] [--role ROLE]
  myst-upgrade upgrade  --site SITE --approach APPROACH --version V [--image-tar FILE] [--role ROLE] [--copy-prod-data [--keep-prod-copy]] --yes
  myst-upgrade rollback --site SITE (--last | --run RUN_ID) [--role ROLE] --yes
  myst-upgrade rollback --site SITE [--role ROLE] --from-host [--run RUN_ID] --yes   # from the host's record
  myst-upgrade rollback --site SITE [--role ROLE] --image IMAGE --backup PATH --yes  # no record needed
  myst-upgrade history  --site SITE [--role ROLE]   # what the host knows: records, images, backups
  myst-upgrade upload   --site SITE [--role ROLE] --image-tar FILE --yes   # upload, verify, docker load, tag
  myst-upgrade runs
  myst-upgrade resume   --site SITE (--last | --run RUN_ID) --yes   # reattach to / continue an interrupted run
  myst-upgrade unlock   --site SITE [--role ROLE] --yes      # break a stale lock left on a host
  myst-upgrade secret   --site SITE --role ROLE [--delete]   # password/passphrase from stdin → keychain
  myst-upgrade trust    --site SITE --role ROLE --fingerprint SHA256:…   # add the host key if it has that fingerprint
Options: --json (one JSON object per line), --yes (do not ask), --help.
APPROACH: in-place, or phased (hosts nonprod then prod; --copy-prod-data restores
production's backup on non-production first, and removes that copy of production's data
from non-production afterwards unless --keep-prod-copy). --image-tar FILE: an offline image (docker save,
.tar or .tar.gz) uploaded and loaded in place of pull.sh; --version may then be left out. Exit status: 0 ok, 1 a step failed, 2 bad usage or input,
3 host key unknown or changed, 4 cannot connect or authenticate.
)";

using Command = void (*)(CommandContext&);
const std::pair<const char*, Command> Commands[] = {
    {"check", &commands::check},       {"plan", &commands::plan},
    {"upgrade", &commands::upgrade},   {"upload", &commands::upload},
    {"rollback", &commands::rollback}, {"resume", &commands::resume},
    {"unlock", &commands::unlock},     {"runs", &commands::runs},
    {"secret", &commands::secret},     {"trust", &commands::trust},
    {"history", &commands::history},
};

Command commandNamed(const QString& name)
{
    for (const auto& [commandName, command] : Commands) {
        if (name == QLatin1String(commandName)) {
            return command;
        }
    }
    return nullptr;
}

// Options that take a value; everything else starting with -- is a flag.
const QSet<QString> ValueOptions = {
    QStringLiteral("site"),        QStringLiteral("role"),  QStringLiteral("approach"),
    QStringLiteral("version"),     QStringLiteral("run"),   QStringLiteral("image-tar"),
    QStringLiteral("fingerprint"), QStringLiteral("image"), QStringLiteral("backup")};
const QSet<QString> FlagOptions = {
    QStringLiteral("json"),           QStringLiteral("yes"),
    QStringLiteral("last"),           QStringLiteral("copy-prod-data"),
    QStringLiteral("keep-prod-copy"), QStringLiteral("delete"),
    QStringLiteral("help"),           QStringLiteral("from-host")};

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
        if (ValueOptions.contains(name)) {
            if (eq < 0) {
                if (i + 1 >= args.size()) {
                    *error = QStringLiteral("--%1 needs a value").arg(name);
                    return false;
                }
                value = args.at(++i);
            }
            options->insert(name, value);
        } else if (FlagOptions.contains(name) && eq < 0) {
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
        printOnStdout(QString::fromUtf8(Usage));
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
    if (flags.contains(QStringLiteral("help"))) {
        printOnStdout(QString::fromUtf8(Usage));
        QCoreApplication::exit(ExitOk);
        return;
    }
    const Command command = commandNamed(commandName);
    if (!command) {
        m_output->usageError(QStringLiteral("unknown command \"%1\"\n%2")
                                 .arg(commandName, QString::fromLatin1(Usage)));
        QCoreApplication::exit(ExitUsage);
        return;
    }
    m_context = std::make_unique<CommandContext>(std::move(options), std::move(flags), *m_output);
    command(*m_context);
}

} // namespace myst
