#!/bin/bash
# Starts MyST Studio. On boot the web instance upgrades the database to the image's version.
. "$(dirname "$0")/lib.sh"
check_fault start
if is_running; then echo "MyST Studio is already running"; exit 0; fi
mkdir -p "$MYST_HOME/logs" "$MYST_HOME/run"
version=$(image_version)
if [ -z "$version" ]; then echo "ERROR: no image tagged myst-studio" >&2; exit 1; fi
log() { echo "$(date '+%Y-%m-%d %H:%M:%S') $*" >> "$STARTUP_LOG"; }
: > "$STARTUP_LOG"
echo "Starting MyST Studio $version"
log "INFO  [main] Starting MyST Studio $version"
current=$(db_version)
if [ -n "$current" ] && version_lt "$version" "$current"; then
    log "SEVERE [db] Database schema $current is newer than MyST Studio $version; refusing to start"
elif [ "$current" != "$version" ]; then
    log "INFO  [db] Migrating database schema from ${current:-empty} to $version"
    sqlite3 "$DB" "CREATE TABLE IF NOT EXISTS migrations(from_version TEXT, to_version TEXT);
                   INSERT INTO migrations VALUES('$current', '$version');
                   UPDATE schema_version SET version='$version';"
fi
if [ "$(fault start)" = errorlog ]; then
    log "ERROR [deploy] Failed to deploy myst-console: java.lang.IllegalStateException: simulated fault"
fi
port=$(cat "$MYST_HOME/etc/console.port")
setsid nohup python3 "$MYST_HOME/sim/console-server.py" "$port" "$version" \
    </dev/null >"$MYST_HOME/logs/console.log" 2>&1 &
echo $! > "$MYST_HOME/run/console.pid"
for _ in $(seq 50); do
    python3 - "$port" <<'PY' 2>/dev/null && break
import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()
PY
    sleep 0.1
done
echo running > "$STATE_FILE"
docker _sim-start  # the web container: made again when the image changed (as real start.sh)
log "INFO  [main] MyST Studio started"
echo "MyST Studio $version started"
