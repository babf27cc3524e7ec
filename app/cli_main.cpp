#include "app/cli/CliApp.h"
#include "core/base/AppLog.h"
#include "core/base/Platform.h"
#include "core/base/ProcessHardening.h"
#include "core/base/StatePaths.h"

#include <QCoreApplication>

int main(int argc, char* argv[])
{
    myst::hardenProcess(); // it reads secrets too: no core dumps, private files
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("myst-upgrade"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PROJECT_VERSION));
    myst::log::init(myst::stateDirectory());
    myst::CliApp cli(QCoreApplication::arguments());
    cli.start();
    const int status = app.exec();
    myst::log::flush();
    return myst::platform::endProcess(status);
}
