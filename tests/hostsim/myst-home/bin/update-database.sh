#!/bin/bash
# Restores a database backup: stops the web instance, runs the backup SQL, starts it.
. "$(dirname "$0")/lib.sh"
check_fault update-database
if [ $# -ne 1 ]; then echo "Usage: update-database.sh <path to backup>" >&2; exit 2; fi
if [ ! -s "$1" ]; then echo "ERROR: backup $1 not found or empty" >&2; exit 1; fi
"$MYST_HOME/bin/stop.sh" || exit 1
echo "Restoring database from $1"
rm -f "$DB.new"
sqlite3 "$DB.new" < "$1" || { echo "ERROR: restore failed" >&2; exit 1; }
mv "$DB.new" "$DB"
"$MYST_HOME/bin/start.sh"
