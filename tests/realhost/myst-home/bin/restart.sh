#!/bin/bash
# Restarts the MyST Studio instances.
. ./lib.sh || exit 1
check_fault restart
./stop.sh && ./start.sh
