#include "core/base/AppLog.h"
#include "core/base/ProcessHardening.h"
#include "core/base/StatePaths.h"
#include "core/run/Runner.h"
#include "core/ssh/RemoteCommandJob.h"
#include "ui/wizard/UpgradeWizard.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char* argv[])
{
    myst::hardenProcess(); // no core dumps, private files

    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("myst-upgrade-wizard"));
    QApplication::setApplicationVersion(QStringLiteral(PROJECT_VERSION));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Upgrade and roll back MyST Studio over SSH"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption site(QStringLiteral("site"), QStringLiteral("Site file to start from."),
                            QStringLiteral("SITE"));
    parser.addOption(site);
    parser.process(app);

    myst::log::init(myst::stateDirectory());
    myst::registerRunnerMetaTypes();
    myst::UpgradeWizard wizard(parser.value(site));
    wizard.show();
    return app.exec();
}
