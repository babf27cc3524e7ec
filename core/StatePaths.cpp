#include "StatePaths.h"

#include <QDir>

namespace myst {

QString stateDirectory()
{
    QString base = qEnvironmentVariable("XDG_STATE_HOME");
    if (base.isEmpty() || !QDir::isAbsolutePath(base)) {
        base = QDir::homePath() + QStringLiteral("/.local/state");
    }
    const QString dir = base + QStringLiteral("/myst-upgrade");
    QDir().mkpath(dir);
    return dir;
}

QString runsDirectory()
{
    const QString dir = stateDirectory() + QStringLiteral("/runs");
    QDir().mkpath(dir);
    return dir;
}

} // namespace myst
