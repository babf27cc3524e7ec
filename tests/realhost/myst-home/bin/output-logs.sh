#!/bin/bash
# Displays the MyST Studio start-up logs (Ctrl+C to close).
. ./lib.sh || exit 1
check_fault output-logs
exec $DOCKER logs -f "$WEB"
