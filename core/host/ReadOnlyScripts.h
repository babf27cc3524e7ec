#pragma once

// Blue/green: the shell scripts that hold and release the active database's read-only window.
// They run inside the database container (`docker exec myststudio_db sh -c SCRIPT …`), with
// the container's own credentials (MYSQL_ROOT_PASSWORD, and MYSQL_USER/MYSQL_PASSWORD for the
// application's account), handed to mysql as MYSQL_PWD: no secret leaves the host or shows
// in ps. POSIX sh, mysql, mkfifo, date, sleep: what the official images and busybox have.
//
// Why a holder: FLUSH TABLES WITH READ LOCK lasts as long as the session that took it (a
// `mysql -e` one-shot releases it at once), and read_only does not stop accounts with SUPER
// (root). The guide keeps one interactive session open from FLUSH TABLES WITH READ LOCK to
// UNLOCK TABLES; the holder is that session, started in the background inside the container
// (so a dropped SSH connection or a killed laptop does not end it), fed through a FIFO, and it
// ends the window by itself after at most MAX seconds (blueGreen.readOnlyMaxSeconds), so
// that production never stays read-only because the laptop vanished.
//
// What they print, one fact a line, then @@global.read_only last (as before, 1 or 0):
//   myst-readonly: held <epoch>                      the read lock and read_only are on
//   myst-readonly: probe <root|app> <accepted|refused|unclear> [the server's error]
//   myst-readonly: window <seconds>                   the holder's lock, taken to released
//   myst-readonly: expired <epoch> <seconds>          ended by itself after MAX seconds
//   myst-readonly: lost <epoch>                       its session ended before it was told
// The probe is a write that changes nothing (DELETE … WHERE FALSE on a table of the
// application's schema), as root (waiting at most 1 s for the lock) and as the application's
// account: refused inside the window (ERROR 1290 read-only, 1205 lock wait, 1223 read lock),
// accepted after it.

namespace myst::ReadOnlyScripts {

inline constexpr const char* Common = R"SH(d="${TMPDIR:-/tmp}/myst-upgrade-readonly"
export MYSQL_PWD="$MYSQL_ROOT_PASSWORD"
say() { echo "myst-readonly: $*"; }
# The holder runs (not a zombie: the server, PID 1 of the container, reaps no orphans).
alive() {
    [ -f "$d/pid" ] && [ ! -e "$d/released" ] || return 1
    s=$(cat "/proc/$(cat "$d/pid")/stat" 2>/dev/null) || return 1
    s=${s##*) }
    [ -n "$s" ] && [ "${s%% *}" != Z ]
}
probe() {
    db=$MYSQL_DATABASE
    [ -n "$db" ] || { say "probe none: the container names no MYSQL_DATABASE"; return 0; }
    t=$(mysql -uroot -N -B -e 'SHOW TABLES' "$db" 2>/dev/null | head -n 1)
    [ -n "$t" ] || { say "probe none: $db has no table"; return 0; }
    t=$(printf '%s' "$t" | sed 's/`/``/g')
    for who in root app; do
        u=root p=$MYSQL_ROOT_PASSWORD
        if [ $who = app ]; then
            [ -n "$MYSQL_USER" ] && [ -n "$MYSQL_PASSWORD" ] ||
                { say "probe app unclear: the container names no MYSQL_USER"; continue; }
            u=$MYSQL_USER p=$MYSQL_PASSWORD
        fi
        if err=$(MYSQL_PWD=$p mysql -u"$u" -N -B -e \
            "SET SESSION lock_wait_timeout = 1; DELETE FROM \`$t\` WHERE FALSE;" "$db" 2>&1); then
            say "probe $who accepted"
        else
            err=$(printf '%s\n' "$err" | grep '^ERROR' | tail -n 1)
            case "$err" in
            "ERROR 1290 "* | "ERROR 1205 "* | "ERROR 1223 "*) say "probe $who refused $err" ;;
            *) say "probe $who unclear ${err:-no answer}" ;;
            esac
        fi
    done
}
)SH";

// $1: MAX seconds. An earlier holder is released first; the new one is started in the
// background with nothing of this command's open, then waited for until it holds the lock.
inline constexpr const char* On = R"SH(max=$1
if alive; then
    touch "$d/release"
    i=0
    while alive && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done
fi
rm -rf "$d" "$d.done" && mkdir -m 700 "$d" && mkfifo "$d/in" || exit 1
hold() {
    mysql -uroot -N -B -n <"$d/in" >"$d/out" 2>"$d/err" &
    m=$!
    exec 3<>"$d/in"
    echo "SET SESSION lock_wait_timeout = 30; FLUSH TABLES WITH READ LOCK; SET GLOBAL read_only = ON; SELECT @@global.read_only;" >&3
    start=$(date +%s)
    while [ ! -e "$d/release" ] && [ $(($(date +%s) - start)) -lt "$max" ]; do
        [ -e "$d/held" ] || ! grep -qx 1 "$d/out" || date +%s >"$d/held"
        if ! kill -0 $m 2>/dev/null; then
            [ -e "$d/lost" ] || date +%s >"$d/lost"
            [ -e "$d/held" ] || break
        fi
        sleep 0.2
    done
    [ -e "$d/release" ] || [ -e "$d/lost" ] || echo "$(date +%s) $(($(date +%s) - start))" >"$d/expired"
    if kill -0 $m 2>/dev/null; then
        echo "SET GLOBAL read_only = OFF; UNLOCK TABLES; SELECT @@global.read_only;" >&3
        exec 3>&-
        wait $m
    else
        exec 3>&-
        mysql -uroot -N -B -e "SET GLOBAL read_only = OFF;"
    fi
    date +%s >"$d/released"
}
# Redirected inside its subshell: a redirection on the call itself makes dash keep copies of
# this command's stdout and stderr (fds 10 and up) open in the holder, and the SSH channel then
# stays open for as long as the window.
(
    exec </dev/null >/dev/null 2>&1
    hold
) &
echo $! >"$d/pid"
i=0
while [ ! -e "$d/held" ]; do
    if [ -e "$d/lost" ] || ! alive || [ $i -gt 250 ]; then
        say "the read lock was not taken"
        cat "$d/err" >&2
        touch "$d/release"
        exit 1
    fi
    sleep 0.2
    i=$((i + 1))
done
say "held $(cat "$d/held")"
probe
mysql -uroot -N -B -e 'SELECT @@global.read_only;'
)SH";

// The holder is told to release (or, gone, the statements run from a session of their own:
// it may have died with read_only still on); what it measured is said once, then its folder
// is put aside, so that a second release (the Runner's, after a failed one) says nothing old.
inline constexpr const char* Off = R"SH(if alive; then
    touch "$d/release"
    i=0
    while alive && [ $i -lt 150 ]; do sleep 0.2; i=$((i + 1)); done
fi
if [ -d "$d" ]; then
    [ -f "$d/held" ] && [ -f "$d/released" ] && say "window $(($(cat "$d/released") - $(cat "$d/held")))"
    [ -f "$d/expired" ] && say "expired $(cat "$d/expired")"
    [ -f "$d/lost" ] && [ -f "$d/held" ] && say "lost $(cat "$d/lost")"
    rm -rf "$d.done"
    mv "$d" "$d.done"
fi
mysql -uroot -N -B -e "SET GLOBAL read_only = OFF; UNLOCK TABLES;" || exit 1
probe
mysql -uroot -N -B -e 'SELECT @@global.read_only;'
)SH";

} // namespace myst::ReadOnlyScripts
