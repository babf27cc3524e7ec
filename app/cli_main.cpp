#include "AppLog.h"
#include "StatePaths.h"

#include <QCoreApplication>
#include <QTextStream>

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("myst-upgrade"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PROJECT_VERSION));
    myst::log::init(myst::stateDirectory());
    QTextStream(stdout) << "myst-upgrade " << PROJECT_VERSION << "\n";
    return 0;
}
