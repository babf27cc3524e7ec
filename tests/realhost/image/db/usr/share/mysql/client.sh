# Shared by the mysql, mysqldump and mysqladmin clients of the simulated MySQL 5.7 server.
# Sets: PROG, OPT_USER, OPT_PASSWORD, PASSWORD_GIVEN, OPT_DB, OPT_EXECUTE, SKIP_NAMES, ARGS.
DATADIR=/var/lib/mysql
SOCKET=/var/run/mysqld/mysqld.sock
ENGINE=/usr/share/mysql/engine.awk        # reads the statements: awk -f "$ENGINE" -f "$ENGINE_SQL"
ENGINE_SQL=/usr/share/mysql/engine-sql.awk # what each statement does
OPT_USER=root
OPT_PASSWORD=
PASSWORD_GIVEN=0
PASSWORD_PROMPT=0
OPT_DB=
OPT_EXECUTE=
HAVE_EXECUTE=0
SKIP_NAMES=0
SILENT=0
ARGS=

mysql_parse_args() {
    # As the real client: MYSQL_PWD is the password when no -p/--password gives one.
    if [ -n "${MYSQL_PWD+set}" ]; then OPT_PASSWORD=$MYSQL_PWD; PASSWORD_GIVEN=1; fi
    while [ $# -gt 0 ]; do
        case "$1" in
        -u) OPT_USER=$2; shift ;;
        -u*) OPT_USER=${1#-u} ;;
        --user=*) OPT_USER=${1#--user=} ;;
        -p|--password) PASSWORD_PROMPT=1 ;;
        -p*) OPT_PASSWORD=${1#-p}; PASSWORD_GIVEN=1 ;;
        --password=*) OPT_PASSWORD=${1#--password=}; PASSWORD_GIVEN=1 ;;
        -e|--execute) OPT_EXECUTE=$2; HAVE_EXECUTE=1; shift ;;
        -e*) OPT_EXECUTE=${1#-e}; HAVE_EXECUTE=1 ;;
        --execute=*) OPT_EXECUTE=${1#--execute=}; HAVE_EXECUTE=1 ;;
        -D|--database) OPT_DB=$2; shift ;;
        -D*) OPT_DB=${1#-D} ;;
        --database=*) OPT_DB=${1#--database=} ;;
        -N|--skip-column-names) SKIP_NAMES=1 ;;
        -s|--silent) SILENT=$((SILENT + 1)); [ $SILENT -ge 2 ] && SKIP_NAMES=1 ;;
        -h|-P|-S|--host|--port|--socket|--protocol) shift ;;
        -h*|-P*|-S*|--host=*|--port=*|--socket=*|--protocol=*) ;;
        -B|--batch|-t|--table|-v|--verbose|-f|--force|-A|--no-auto-rehash|-n|--unbuffered|-r|--raw) ;;
        --default-character-set=*|--connect-timeout=*|--max_allowed_packet=*|--max-allowed-packet=*) ;;
        --single-transaction|--routines|--triggers|--events|--quick|--lock-tables|--skip-lock-tables|--opt|--add-drop-database|--add-drop-table|--databases|-B*|--skip-dump-date|--all-databases|--set-gtid-purged=*|--hex-blob|--no-tablespaces|--column-statistics=*) ARGS="$ARGS $1" ;;
        --) shift; while [ $# -gt 0 ]; do ARGS="$ARGS $1"; shift; done; break ;;
        -*) echo "$PROG: [ERROR] unknown option '$1'." >&2; exit 7 ;;
        *) ARGS="$ARGS $1" ;;
        esac
        shift
    done
}

mysql_password_prompt() {
    [ "$PASSWORD_PROMPT" = 1 ] || return 0
    printf 'Enter password: ' >&2
    if [ -t 0 ]; then
        stty -echo 2>/dev/null; read -r OPT_PASSWORD; stty echo 2>/dev/null; echo >&2
    else
        read -r OPT_PASSWORD </dev/tty 2>/dev/null || OPT_PASSWORD=
    fi
    PASSWORD_GIVEN=1
    [ -n "$OPT_PASSWORD" ] || PASSWORD_GIVEN=0
}

mysql_warn_password() {
    [ "$PASSWORD_GIVEN" = 1 ] && [ "$PASSWORD_PROMPT" = 0 ] &&
        echo "$PROG: [Warning] Using a password on the command line interface can be insecure." >&2
    return 0
}

# The server must be up (its socket) and the account must exist with that password.
mysql_connect() {
    if [ ! -e "$SOCKET" ]; then
        echo "ERROR 2002 (HY000): Can't connect to local MySQL server through socket '$SOCKET' (2)" >&2
        exit 1
    fi
    mysql_auth "$OPT_USER" "$OPT_PASSWORD" "$PASSWORD_GIVEN" || exit 1
}

# mysql_auth USER PASSWORD GIVEN: checks the account table written when the server was
# initialised (so a changed MYSQL_ROOT_PASSWORD variable does not change the password).
mysql_auth() {
    hash=$(printf '%s' "$2" | sha1sum | cut -c1-40 | tr a-f A-F)
    [ "$3" = 1 ] || hash=""
    stored=$(awk -F'\t' -v u="$1" '$1 == u { print $3; exit }' "$DATADIR/mysql/user.MYD" 2>/dev/null)
    if [ -z "$stored" ] && [ -z "$hash" ] && awk -F'\t' -v u="$1" '$1 == u { f = 1 } END { exit !f }' "$DATADIR/mysql/user.MYD" 2>/dev/null; then
        return 0
    fi
    if [ -z "$stored" ] || [ "*$hash" != "$stored" ]; then
        using=NO; [ "$3" = 1 ] && using=YES
        echo "ERROR 1045 (28000): Access denied for user '$1'@'localhost' (using password: $using)"
        return 1
    fi
    return 0
}
