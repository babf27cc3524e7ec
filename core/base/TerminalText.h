#pragma once

#include <QString>

namespace myst {

// Remote output made safe to print on the operator's terminal or to keep in a log that will be
// `cat`ed there: escape sequences (CSI, OSC, DCS and the like: colours, a new window title, a
// cleared screen, a rewritten clipboard), C1 controls, other C0 controls but the tab, and the
// bidirectional overrides that can make a line read differently from what it is, are removed.
// The wizard's log pane renders colours itself from the raw line (ui/AnsiText).
QString plainTerminalText(const QString& line);

} // namespace myst
