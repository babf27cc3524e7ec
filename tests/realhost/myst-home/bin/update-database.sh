#!/bin/bash
# Restores a database backup: stops the web instance, runs the backup SQL, starts it again.
. ./lib.sh || exit 1
check_fault update-database
if [ $# -ne 1 ]; then echo "Usage: update-database.sh <path to backup>" >&2; exit 2; fi
if [ ! -f "$1" ]; then echo "ERROR: $1: No such file" >&2; exit 1; fi
if [ ! -s "$1" ]; then echo "ERROR: $1 is empty" >&2; exit 1; fi
$DOCKER stop "$WEB" || exit 1
$DOCKER start "$DB" >/dev/null || exit 1
wait_for_db || exit 1
echo "Restoring database from $1"
$DOCKER exec -i "$DB" mysql -uroot -p"$MYSQL_ROOT_PASSWORD" < "$1" || { echo "ERROR: restore failed" >&2; exit 1; }
./start.sh
