#!/bin/bash
# Backs up the MyST Studio database to <MyST home>/backup and prints where.
. ./lib.sh || exit 1
check_fault backup-database
mkdir -p ../backup || exit 1
file="$MYST_HOME/backup/myst-studio-$(date +%s).sql"
n=1
while [ -e "$file" ]; do file="$MYST_HOME/backup/myst-studio-$(date +%s)-$n.sql"; n=$((n + 1)); done
case "$(fault backup-database)" in
forge)
    # A broken script printing a path that is really a command.
    echo "Backed up to $MYST_HOME/backup/x.sql; touch $MYST_HOME/FORGED"
    exit 0 ;;
empty)
    # A broken script: reports success, leaves nothing behind.
    : > "$file"
    echo "Backed up to $file"
    exit 0 ;;
diskfull)
    $DOCKER exec "$DB" mysqldump -uroot -p"$MYSQL_ROOT_PASSWORD" --add-drop-database --databases myst 2>/dev/null | head -c 512 > "$file"
    echo "mysqldump: Got errno 28 on write" >&2
    exit 2 ;;
esac
$DOCKER exec "$DB" mysqldump -uroot -p"$MYSQL_ROOT_PASSWORD" --single-transaction --routines \
    --add-drop-database --databases myst > "$file"
status=$?
if [ $status -ne 0 ]; then
    echo "ERROR: backup failed (mysqldump exit $status)" >&2
    exit 1
fi
echo "Backed up to $file"
