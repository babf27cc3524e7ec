#include "AppLog.h"
#include "MainWindow.h"
#include "StatePaths.h"

#include <QApplication>

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("myst-upgrade-wizard"));
    QApplication::setApplicationVersion(QStringLiteral(PROJECT_VERSION));
    myst::log::init(myst::stateDirectory());
    myst::MainWindow window;
    window.show();
    return app.exec();
}
