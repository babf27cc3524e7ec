#!/bin/sh
# The entrypoint of the database image, as the official mysql/mariadb images do it: an empty
# data directory is initialised from MYSQL_ROOT_PASSWORD, MYSQL_DATABASE, MYSQL_USER and
# MYSQL_PASSWORD (accounts are made once: changing the variables later changes nothing), then
# the real server (mariadbd) runs as PID 1, so that `docker stop` shuts it down cleanly and a
# SIGKILL leaves InnoDB to recover on the next start.
set -e
note() { echo "$(date -u '+%Y-%m-%d %H:%M:%S+00:00') [Note] [Entrypoint]: $*"; }
error() { echo "$(date -u '+%Y-%m-%d %H:%M:%S+00:00') [ERROR] [Entrypoint]: $*" >&2; }
# A value inside a single-quoted SQL string.
sql_string() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/''/g"; }
sql_name() { printf '%s' "$1" | sed -e 's/`/``/g'; }
DATADIR=/var/lib/mysql
SHARE=/usr/share/mysql
if [ "${1#-}" != "$1" ]; then set -- mysqld "$@"; fi
if [ "$1" = mysqld ] || [ "$1" = mariadbd ]; then
    shift
    note "Entrypoint script for MariaDB Server 1:10.11 started."
    mkdir -p /run/mysqld "$DATADIR"
    chown mysql:mysql /run/mysqld "$DATADIR"
    if [ ! -d "$DATADIR/mysql" ]; then
        if [ -z "$MYSQL_ROOT_PASSWORD" ]; then
            error "Database is uninitialized and password option is not specified
	You need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ROOT_PASSWORD_HASH, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD"
            exit 1
        fi
        note "Initializing database files"
        root=$(sql_string "$MYSQL_ROOT_PASSWORD")
        {
            # --bootstrap reads one statement per line, as mariadb-install-db feeds it.
            printf 'CREATE DATABASE IF NOT EXISTS mysql;\nUSE mysql;\nSET @auth_root_socket=NULL;\n'
            cat "$SHARE/mysql_system_tables.sql" "$SHARE/mysql_performance_tables.sql" \
                "$SHARE/mysql_system_tables_data.sql"
            echo "FLUSH PRIVILEGES;"
            echo "DELETE FROM mysql.global_priv WHERE User = '' OR (User = 'root' AND Host <> 'localhost');"
            echo "DELETE FROM mysql.proxies_priv WHERE Host <> 'localhost';"
            echo "FLUSH PRIVILEGES;"
            echo "ALTER USER 'root'@'localhost' IDENTIFIED BY '$root';"
            echo "CREATE USER 'root'@'%' IDENTIFIED BY '$root';"
            echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
            if [ -n "$MYSQL_DATABASE" ]; then
                echo "CREATE DATABASE IF NOT EXISTS \`$(sql_name "$MYSQL_DATABASE")\`;"
            fi
            if [ -n "$MYSQL_USER" ] && [ -n "$MYSQL_PASSWORD" ]; then
                echo "CREATE USER '$(sql_string "$MYSQL_USER")'@'%' IDENTIFIED BY '$(sql_string "$MYSQL_PASSWORD")';"
                if [ -n "$MYSQL_DATABASE" ]; then
                    echo "GRANT ALL ON \`$(sql_name "$MYSQL_DATABASE")\`.* TO '$(sql_string "$MYSQL_USER")'@'%';"
                fi
            fi
        } | mariadbd --user=mysql --datadir="$DATADIR" --bootstrap --log-warnings=0 \
                --skip-networking --max_allowed_packet=8M --net_buffer_length=16K
        note "Database files initialized"
        [ -n "$MYSQL_DATABASE" ] && note "Creating database ${MYSQL_DATABASE}"
        [ -n "$MYSQL_USER" ] && note "Creating user ${MYSQL_USER}"
        note "MariaDB init process done. Ready for start up."
    fi
    exec mariadbd "$@"
fi
exec "$@"
