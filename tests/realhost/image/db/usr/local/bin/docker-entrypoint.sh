#!/bin/sh
# The entrypoint of the (simulated) official mysql:5.7 image: initialises an empty data
# directory from MYSQL_ROOT_PASSWORD, MYSQL_DATABASE, MYSQL_USER and MYSQL_PASSWORD, then runs
# mysqld. Accounts are made once: changing the variables later changes nothing.
set -e
note() { echo "$(date -u '+%Y-%m-%d %H:%M:%S+00:00') [Note] [Entrypoint]: $*"; }
error() { echo "$(date -u '+%Y-%m-%d %H:%M:%S+00:00') [ERROR] [Entrypoint]: $*" >&2; }
DATADIR=/var/lib/mysql
note "Entrypoint script for MySQL Server 5.7.44-1.el7 started."
if [ "${1#-}" != "$1" ]; then set -- mysqld "$@"; fi
if [ "$1" = mysqld ] && [ "$(id -u)" = 0 ]; then
    note "Switching to dedicated user 'mysql'"
    note "Entrypoint script for MySQL Server 5.7.44-1.el7 started."
fi
if [ "$1" = mysqld ] && [ ! -d "$DATADIR/mysql" ]; then
    if [ -z "$MYSQL_ROOT_PASSWORD" ] && [ -z "$MYSQL_ALLOW_EMPTY_PASSWORD" ] && [ -z "$MYSQL_RANDOM_ROOT_PASSWORD" ]; then
        error "Database is uninitialized and password option is not specified
    You need to specify one of the following as an environment variable:
    - MYSQL_ROOT_PASSWORD
    - MYSQL_ALLOW_EMPTY_PASSWORD
    - MYSQL_RANDOM_ROOT_PASSWORD"
        exit 1
    fi
    note "Initializing database files"
    mkdir -p "$DATADIR/mysql" "$DATADIR/performance_schema" "$DATADIR/sys"
    sleep 0.3
    uuid=$(cat /proc/sys/kernel/random/uuid)
    printf '[auto]\nserver-uuid=%s\n' "$uuid" > "$DATADIR/auto.cnf"
    head -c 4096 /dev/zero > "$DATADIR/ibdata1"
    head -c 2048 /dev/zero > "$DATADIR/ib_logfile0"
    head -c 2048 /dev/zero > "$DATADIR/ib_logfile1"
    hash() { printf '%s' "$1" | sha1sum | cut -c1-40 | tr a-f A-F; }
    printf 'root\tlocalhost\t*%s\n' "$(hash "$MYSQL_ROOT_PASSWORD")" > "$DATADIR/mysql/user.MYD"
    printf 'mysql.session\tlocalhost\t*THISISNOTAVALIDPASSWORDTHATCANBEUSEDHERE\n' >> "$DATADIR/mysql/user.MYD"
    note "Database files initialized"
    note "Starting temporary server"
    note "Temporary server started."
    if [ -n "$MYSQL_DATABASE" ]; then
        note "Creating database ${MYSQL_DATABASE}"
        mkdir -p "$DATADIR/$MYSQL_DATABASE"
        printf 'default-character-set=utf8mb4\ndefault-collation=utf8mb4_general_ci\n' > "$DATADIR/$MYSQL_DATABASE/db.opt"
    fi
    if [ -n "$MYSQL_USER" ] && [ -n "$MYSQL_PASSWORD" ]; then
        note "Creating user ${MYSQL_USER}"
        printf '%s\t%%\t*%s\n' "$MYSQL_USER" "$(hash "$MYSQL_PASSWORD")" >> "$DATADIR/mysql/user.MYD"
        [ -n "$MYSQL_DATABASE" ] && note "Giving user ${MYSQL_USER} access to schema ${MYSQL_DATABASE}"
    fi
    note "Stopping temporary server"
    note "Temporary server stopped"
    echo
    note "MySQL init process done. Ready for start up."
    echo
fi
if [ "$1" = mysqld ]; then
    chown -R mysql:mysql "$DATADIR" 2>/dev/null || true
fi
exec "$@"
