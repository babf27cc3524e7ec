#!/bin/bash
# In-place upgrade: ./upgrade.sh <VERSION>
. ./lib.sh || exit 1
check_fault upgrade
if [ $# -ne 1 ]; then echo "Usage: upgrade.sh <VERSION>" >&2; exit 2; fi
./pull.sh "$1" && ./backup-database.sh && ./stop.sh && ./start.sh
