#!/bin/bash
# Displays the start-up log and follows it until interrupted (Ctrl+C).
. "$(dirname "$0")/lib.sh"
check_fault output-logs
exec tail -n +1 -F "$STARTUP_LOG"
