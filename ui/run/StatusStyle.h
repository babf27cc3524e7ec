#pragma once

#include <QString>

namespace myst {

// The colours of the Run page's status line: how a run ended, at a glance.
inline const QString StatusRed = QStringLiteral("color: #b21818;");
inline const QString StatusGreen = QStringLiteral("color: #18781c;");

} // namespace myst
