#pragma once

#include <QString>

namespace myst {

// The host roles the wizard's pages know by name, spelled once: the keys of the site file's
// "hosts" and of a journal's records. A site may name other hosts; these two are the ones the
// approaches use (in-place: production; phased: non-production first).
namespace Roles {

inline const QString Prod = QStringLiteral("prod");
inline const QString Nonprod = QStringLiteral("nonprod");
inline const QString Blue = QStringLiteral("blue"); // zero-downtime: the two instances
inline const QString Green = QStringLiteral("green");

// "Production", "Non-production", else the role as the site names it: a pane's title.
QString title(const QString& role);
// "production", "non-production", else the role: inside a sentence.
QString noun(const QString& role);

} // namespace Roles

} // namespace myst
