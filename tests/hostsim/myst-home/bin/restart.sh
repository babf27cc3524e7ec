#!/bin/bash
. "$(dirname "$0")/lib.sh"
check_fault restart
"$MYST_HOME/bin/stop.sh" && "$MYST_HOME/bin/start.sh"
