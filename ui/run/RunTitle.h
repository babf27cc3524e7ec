#pragma once

#include "core/journal/RunNames.h"
#include "core/site/Site.h"

#include <QCoreApplication>

namespace myst {

// The Run page's heading for an upgrade: what is upgraded, and (blue/green) what serves.
inline QString upgradeRunTitle(const QString& approach, const Site& site, const QString& version)
{
    if (approach == Approach::Phased)
        return QCoreApplication::translate("RunPage", "Phased upgrade to MyST Studio %1")
            .arg(version);
    if (approach == Approach::ZeroDowntime)
        return QCoreApplication::translate("RunPage",
                                           "Zero-downtime upgrade of %1 to MyST Studio %2 (%3 "
                                           "serves meanwhile)")
            .arg(site.blueGreen.idle(), version, site.blueGreen.active);
    return QCoreApplication::translate("RunPage", "Upgrade to MyST Studio %1").arg(version);
}

} // namespace myst
