#!/bin/bash
# Stops the MyST Studio instances.
. "$(dirname "$0")/lib.sh"
check_fault stop
pidfile="$MYST_HOME/run/console.pid"
if [ -f "$pidfile" ]; then
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
fi
echo stopped > "$STATE_FILE"
docker _sim-stop
echo "MyST Studio stopped"
