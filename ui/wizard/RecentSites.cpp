#include "ui/wizard/RecentSites.h"

#include <QFileInfo>
#include <QSettings>

namespace myst::RecentSites {

namespace {
const QString Key = QStringLiteral("recentSiteFiles");
const QString Organization = QStringLiteral("myst-upgrade");
const QString Application = QStringLiteral("wizard");
} // namespace

QStringList list()
{
    QStringList out;
    const QSettings settings(Organization, Application);
    for (const QString& path : settings.value(Key).toStringList()) {
        if (QFileInfo::exists(path))
            out << path;
    }
    return out;
}

void remember(const QString& siteFile)
{
    const QString path = QFileInfo(siteFile).absoluteFilePath();
    QSettings settings(Organization, Application);
    QStringList files = settings.value(Key).toStringList();
    files.removeAll(path);
    files.prepend(path);
    settings.setValue(Key, files.mid(0, Kept));
}

} // namespace myst::RecentSites
