#include "core/base/AppLog.h"
#include "core/base/Platform.h"
#include "core/base/ProcessHardening.h"
#include "core/base/StatePaths.h"
#include "core/run/Runner.h"
#include "core/site/Site.h"
#include "core/ssh/RemoteCommandJob.h"
#include "ui/widgets/PlainText.h"
#include "ui/wizard/UpgradeWizard.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QIcon>
#include <QMessageBox>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

// The window icon at every size the resource holds, so that each window manager and task bar
// picks a sharp one (the same pictures as the installed hicolor icon).
QIcon applicationIcon()
{
    QIcon icon;
    for (int size : {16, 22, 24, 32, 48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/icons/myst-upgrade-wizard-%1.png").arg(size),
                     QSize(size, size));
    return icon;
}

// The wizard's command line; `process` answers --help and --version itself and exits.
QString siteFromCommandLine(QCoreApplication& app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Upgrade and roll back MyST Studio over SSH, step by step as the vendor's "
                       "upgrade guide describes. Without a site file the wizard starts from "
                       "$XDG_CONFIG_HOME/myst-upgrade/site.json (~/.config/myst-upgrade/"
                       "site.json)."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption site(QStringLiteral("site"),
                            QStringLiteral("Site file (JSON) to start from; the Hosts page "
                                           "saves to it."),
                            QStringLiteral("SITE"));
    parser.addOption(site);
    // `myst-upgrade-wizard SITE` too, as the desktop file's Exec passes a file (%f).
    parser.addPositionalArgument(QStringLiteral("SITE"), QStringLiteral("The same as --site SITE."),
                                 QStringLiteral("[SITE]"));
    parser.process(app);

    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1 || (!positional.isEmpty() && parser.isSet(site))) {
        std::fputs("myst-upgrade-wizard: give one site file, either as SITE or --site SITE\n",
                   stderr);
        std::exit(2);
    }
    return positional.isEmpty() ? parser.value(site) : positional.first();
}

// --help and --version print text only: answered without a display, as from an SSH session.
bool onlyAsksForText(int argc, char* argv[])
{
    for (int i = 1; i < argc; ++i) {
        for (const char* text : {"-h", "--help", "-?", "--help-all", "-v", "--version"}) {
            if (std::strcmp(argv[i], text) == 0) {
                return true;
            }
        }
    }
    return false;
}

// A site file named on the command line that cannot be read is said so, on stderr and in a
// box over the wizard (opened, not exec'd), instead of the wizard quietly starting empty: the
// Hosts page would otherwise save a new site over the file the operator meant to open.
void reportUnusableSite(const QString& siteFile, QWidget* wizard)
{
    if (siteFile.isEmpty() || !QFileInfo::exists(siteFile)) {
        return; // a new site: the Hosts page creates it
    }
    QStringList errors;
    myst::Site::load(siteFile, &errors);
    if (errors.isEmpty()) {
        return;
    }
    const QString text =
        QObject::tr("The site file %1 is not usable:\n  %2\nThe wizard starts without it; fix the "
                    "file and open it again, or the Hosts page saves a new site there.")
            .arg(siteFile, errors.join(QStringLiteral("\n  ")));
    std::fprintf(stderr, "myst-upgrade-wizard: %s\n", qPrintable(text));
    auto* box = new QMessageBox(QMessageBox::Warning, QObject::tr("Site file not usable"), text,
                                QMessageBox::Ok, wizard);
    box->setObjectName(QStringLiteral("siteFileMessageBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    myst::plaintext::makePlain(box);
    box->open();
}

void nameApplication()
{
    QCoreApplication::setApplicationName(QStringLiteral("myst-upgrade-wizard"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PROJECT_VERSION));
}

} // namespace

int main(int argc, char* argv[])
{
    myst::hardenProcess(); // no core dumps, private files

    if (onlyAsksForText(argc, argv)) {
        QCoreApplication app(argc, argv);
        nameApplication();
        siteFromCommandLine(app); // prints, and exits
        return 0;
    }
    QApplication app(argc, argv);
    nameApplication();
    // Wayland compositors match the window to myst-upgrade-wizard.desktop by this name.
    QGuiApplication::setDesktopFileName(QStringLiteral("myst-upgrade-wizard"));
    QApplication::setWindowIcon(applicationIcon());
    const QString siteFile = siteFromCommandLine(app);

    myst::log::init(myst::stateDirectory());
    myst::registerRunnerMetaTypes();
    myst::UpgradeWizard wizard(siteFile);
    wizard.show();
    reportUnusableSite(siteFile, &wizard);
    const int status = app.exec();
    myst::log::flush();
    return myst::platform::endProcess(status);
}
