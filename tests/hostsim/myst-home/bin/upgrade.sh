#!/bin/bash
# The guide's one-shot in-place upgrade.
. "$(dirname "$0")/lib.sh"
check_fault upgrade
if [ $# -ne 1 ]; then echo "Usage: upgrade.sh <VERSION>" >&2; exit 2; fi
bin="$MYST_HOME/bin"
"$bin/pull.sh" "$1" && "$bin/backup-database.sh" && "$bin/stop.sh" && "$bin/start.sh"
