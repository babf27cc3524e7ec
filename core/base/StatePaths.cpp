#include "core/base/StatePaths.h"

#include <QDir>
#include <QFile>

namespace myst {

QString stateDirectory()
{
    QString base = qEnvironmentVariable("XDG_STATE_HOME");
    if (base.isEmpty() || !QDir::isAbsolutePath(base)) {
        base = QDir::homePath() + QStringLiteral("/.local/state");
    }
    const QString dir = base + QStringLiteral("/myst-upgrade");
    QDir().mkpath(dir);
    // Also when an earlier version made it with the default mode.
    QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return dir;
}

QString runsDirectory()
{
    const QString dir = stateDirectory() + QStringLiteral("/runs");
    QDir().mkpath(dir);
    QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return dir;
}

} // namespace myst
