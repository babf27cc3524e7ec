# Shared by the simulated MyST Studio scripts. Not part of the real product:
# it imitates what the vendor's scripts do, closely enough to test the wizard.
set -u
: "${MYST_HOME:?MYST_HOME is not set}"
DB="$MYST_HOME/data/myst.db"
STARTUP_LOG="$MYST_HOME/logs/startup.log"
STATE_FILE="$MYST_HOME/run/state"
LABEL=com.rubiconred.myst.version

# Fault switches: a file $MYST_HOME/faults/<script> holding one word.
#   fail      the script fails (exit 1) before doing anything
#   hang      the script hangs (sleeps) until killed
#   errorlog  (start) the start-up log gets an ERROR line
#   diskfull  (backup-database) the disk fills during the dump
#   rebuilt   (pull) the registry serves a different image under the same tag
#   forge     (backup-database) prints a forged "Backed up to" line holding a command
#   drop      the SSH connection serving the script is killed, the script goes on
fault() {
    local f="$MYST_HOME/faults/$1"
    [ -f "$f" ] && cat "$f" || true
}

check_fault() {
    case "$(fault "$1")" in
    fail) echo "ERROR: $1 failed (simulated fault)" >&2; exit 1 ;;
    hang) echo "$1: waiting..." ; exec sleep 3600 ;;
    drop) drop_connection ;;
    esac
}

# Kill the sshd process that serves this session, as a dropped network would.
drop_connection() {
    local pid=$$ comm
    while [ "$pid" -gt 1 ]; do
        comm=$(ps -o comm= -p "$pid" 2>/dev/null | tr -d ' ')
        case "$comm" in sshd*) kill -9 "$pid"; break ;; esac
        pid=$(ps -o ppid= -p "$pid" 2>/dev/null | tr -d ' ')
        [ -n "$pid" ] || break
    done
    # The script goes on without its connection, as a nohup'ed one would.
    exec </dev/null >/dev/null 2>&1
}

image_version() {
    docker image inspect myst-studio --format "{{index .Config.Labels \"$LABEL\"}}" 2>/dev/null
}

db_version() {
    sqlite3 "$DB" "SELECT version FROM schema_version;" 2>/dev/null
}

# version_lt A B: true when A sorts before B as versions.
version_lt() {
    [ "$1" != "$2" ] && [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" = "$1" ]
}

is_running() {
    [ -f "$STATE_FILE" ] && [ "$(cat "$STATE_FILE")" = running ]
}
