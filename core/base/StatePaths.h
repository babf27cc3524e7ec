#pragma once

#include <QString>

namespace myst {

// $XDG_STATE_HOME/myst-upgrade (default ~/.local/state/myst-upgrade): journal, step logs,
// the application log. Created on first use.
QString stateDirectory();
QString runsDirectory();

} // namespace myst
