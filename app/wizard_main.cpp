#include "core/base/AppLog.h"
#include "core/base/ProcessHardening.h"
#include "core/base/StatePaths.h"
#include "core/run/Runner.h"
#include "core/ssh/RemoteCommandJob.h"
#include "ui/wizard/UpgradeWizard.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

#include <cstdio>

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

} // namespace

int main(int argc, char* argv[])
{
    myst::hardenProcess(); // no core dumps, private files

    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("myst-upgrade-wizard"));
    QApplication::setApplicationVersion(QStringLiteral(PROJECT_VERSION));
    // Wayland compositors match the window to myst-upgrade-wizard.desktop by this name.
    QGuiApplication::setDesktopFileName(QStringLiteral("myst-upgrade-wizard"));
    QApplication::setWindowIcon(applicationIcon());

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

    QString siteFile = parser.value(site);
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1 || (!positional.isEmpty() && !siteFile.isEmpty())) {
        std::fputs("myst-upgrade-wizard: give one site file, either as SITE or --site SITE\n",
                   stderr);
        return 2;
    }
    if (!positional.isEmpty()) {
        siteFile = positional.first();
    }

    myst::log::init(myst::stateDirectory());
    myst::registerRunnerMetaTypes();
    myst::UpgradeWizard wizard(siteFile);
    wizard.show();
    return app.exec();
}
