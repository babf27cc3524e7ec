#include "core/base/StatePaths.h"

#include "core/base/Platform.h"

#include <QDir>
#include <QFile>

namespace myst {

QString stateDirectory()
{
    const QString base = qEnvironmentVariable("XDG_STATE_HOME");
    const QString dir = base.isEmpty() || !QDir::isAbsolutePath(base)
                            ? platform::defaultStateDirectory()
                            : base + QStringLiteral("/myst-upgrade");
    QDir().mkpath(dir);
    // Also when an earlier version made it with the default mode. On Windows what is made in
    // it inherits the folder's owner-only access (journals, step logs, the log).
    platform::makePrivate(dir);
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
