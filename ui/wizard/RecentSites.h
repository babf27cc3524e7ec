#pragma once

#include <QString>
#include <QStringList>

namespace myst {

// The site files the wizard was used with, newest first (QSettings: paths only, no secrets), so
// that on a bad night the operator starts from the site instead of typing its hosts.
namespace RecentSites {

inline constexpr int Kept = 8;

QStringList list(); // the ones that still exist, newest first
void remember(const QString& siteFile);

} // namespace RecentSites

} // namespace myst
