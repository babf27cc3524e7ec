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
#   empty     (backup-database) reports success, leaves an empty file
#   elsewhere (backup-database) backs up outside the backup folder and says so
#   datename  (backup-database) names the backup by the date only (one a day)
#   slow [N]  the script takes N (default 4) more seconds
#   slowfail [N]  the script works N (default 2) seconds, then fails (exit 1)
#   drop      every SSH connection to the host is killed once, the script goes on
#   failonce  the script fails once (exit 1); the switch is removed, so a retry succeeds
fault() {
    local f="$MYST_HOME/faults/$1"
    [ -f "$f" ] && cat "$f" || true
}

check_fault() {
    case "$(fault "$1")" in
    fail) echo "ERROR: $1 failed (simulated fault)" >&2; exit 1 ;;
    failonce) rm -f "$MYST_HOME/faults/$1"
           echo "ERROR: $1 failed this once (simulated fault)" >&2; exit 1 ;;
    hang) echo "$1: waiting..." ; exec sleep 3600 ;;
    drop) echo "$1: working..."; drop_connection "$1"; echo "$1: still working after the drop" ;;
    slowfail*) echo "$1: working slowly..."; f=$(fault "$1"); n=${f#slowfail}; sleep "${n:-2}"
           echo "ERROR: $1 failed after working slowly (simulated fault)" >&2; exit 1 ;;
    slow*) echo "$1: working slowly..."; f=$(fault "$1"); n=${f#slow}; sleep "${n:-4}"
           echo "$1: done working slowly" ;;
    esac
}

# Kill every SSH connection to this host, as a dropped network would: the processes sshd
# forked for its connections, not the listener. The script itself goes on (it runs detached
# from the wizard's session) after a pause, so the wizard has to reattach to see the rest.
# One-shot: the switch is removed when it fires, so the step is not dropped again.
drop_connection() {
    rm -f "$MYST_HOME/faults/$1"
    local listener child
    listener=$(cat "$MYST_HOME/../ssh/sshd.pid" 2>/dev/null) || return 0
    for child in $(pgrep -P "$listener"); do
        pkill -KILL -P "$child" 2>/dev/null
        kill -KILL "$child" 2>/dev/null
    done
    sleep 1
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
