#!/bin/bash
# Backs up the database under $MYST_HOME/backup with a time suffix and prints where.
. "$(dirname "$0")/lib.sh"
check_fault backup-database
mkdir -p "$MYST_HOME/backup"
stamp=$(date +%s)
file="$MYST_HOME/backup/myst-studio-$stamp.sql"
# datename: as many installations do, one name a day, replaced by the next backup that day.
if [ "$(fault backup-database)" = datename ]; then
    file="$MYST_HOME/backup/myst-studio-$(date +%Y%m%d).sql"
    echo "Backing up database..."
    sqlite3 "$DB" .dump > "$file" || exit 1
    echo "Backed up to $file"
    exit 0
fi
n=1
while [ -e "$file" ]; do file="$MYST_HOME/backup/myst-studio-$stamp-$n.sql"; n=$((n + 1)); done
if [ "$(fault backup-database)" = diskfull ]; then
    sqlite3 "$DB" .dump | head -c 100 > "$file"
    echo "ERROR: write $file: No space left on device" >&2
    exit 1
fi
if [ "$(fault backup-database)" = forge ]; then
    # A compromised or broken script printing a path that is really a command.
    echo "Backed up to $MYST_HOME/backup/x.sql; touch $MYST_HOME/FORGED"
    exit 0
fi
if [ "$(fault backup-database)" = elsewhere ]; then
    # A plain path outside the backup folder, where a restore would do harm.
    sqlite3 "$DB" .dump > "$MYST_HOME/data/elsewhere.sql" || exit 1
    echo "Backed up to $MYST_HOME/data/elsewhere.sql"
    exit 0
fi
if [ "$(fault backup-database)" = dumps ]; then
    # An installation whose script was changed to write to a folder of its own.
    mkdir -p "$MYST_HOME/dumps"
    sqlite3 "$DB" .dump > "$MYST_HOME/dumps/myst-studio-$stamp.sql" || exit 1
    echo "Backed up to $MYST_HOME/dumps/myst-studio-$stamp.sql"
    exit 0
fi
if [ "$(fault backup-database)" = empty ]; then
    # A broken script that reports success and leaves nothing behind.
    : > "$file"
    echo "Backed up to $file"
    exit 0
fi
echo "Backing up database..."
sqlite3 "$DB" .dump > "$file" || exit 1
echo "Backed up to $file"
