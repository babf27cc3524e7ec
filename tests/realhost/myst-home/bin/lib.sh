# Shared by the MyST Studio scripts of this host. Run them as the guide does:
#   cd /u01/myst-studio/bin && ./<script>.sh
# (they find the installation relative to the current directory).
. ../etc/myst.env || { echo "ERROR: run this script from the MyST Studio bin directory" >&2; exit 1; }
MYST_HOME=$(cd .. && pwd)
WEB=myststudio_web
DB=myststudio_db
IMAGE=myst-studio
LABEL=com.rubiconred.myst.version

# Docker needs root on hosts where the socket is root's only.
if [ -r /var/run/docker.sock ] && [ -w /var/run/docker.sock ]; then
    DOCKER="docker"
else
    DOCKER="sudo -n docker"
fi

# Test-lab fault switches (not part of MyST): a file $MYST_HOME/faults/<script> holding a word:
#   fail | hang | slow [N] | slowfail [N] | drop     for every script
#   errorlog (start: the console logs an error)  diskfull | empty | forge (backup-database)
#   rebuilt (pull: the registry serves a rebuilt image under the same tag)
fault() {
    local f="$MYST_HOME/faults/$1"
    [ -f "$f" ] && cat "$f" || true
}

check_fault() {
    local f n
    f=$(fault "$1")
    case "$f" in
    fail) echo "ERROR: $1 failed (simulated fault)" >&2; exit 1 ;;
    hang) echo "$1: waiting..."; exec sleep 3600 ;;
    drop) echo "$1: working..."; drop_connections "$1"; echo "$1: still working after the drop" ;;
    slowfail*) echo "$1: working slowly..."; n=${f#slowfail}; sleep ${n:-2}
               echo "ERROR: $1 failed after working slowly (simulated fault)" >&2; exit 1 ;;
    slow*) echo "$1: working slowly..."; n=${f#slow}; sleep ${n:-4}; echo "$1: done working slowly" ;;
    esac
}

# The network drops: every SSH connection of this user is cut (once; the switch is removed).
drop_connections() {
    rm -f "$MYST_HOME/faults/$1"
    pkill -KILL -u "$(id -u)" -x sshd 2>/dev/null
    sleep 1
}

# wait_for_db: the database accepts connections (at most about 30 s).
wait_for_db() {
    local i
    for i in $(seq 150); do
        $DOCKER exec "$DB" mysqladmin ping --silent >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    echo "ERROR: the database did not come up; see: docker logs $DB" >&2
    return 1
}

# The lab has no access to the MyST registry: it is mirrored at /srv/registry as `docker save`
# archives. registry_pull REF does what `docker pull REF` does with them.
registry_pull() {
    local ref=$1 repo tag path archive id have layer digest
    repo=${ref%:*}; tag=${ref##*:}
    path=${repo#*/}
    archive=/srv/registry/$path/$tag.tar
    [ "$(fault pull)" = rebuilt ] && [ -f "/srv/registry/$path/$tag.rebuilt.tar" ] && archive=/srv/registry/$path/$tag.rebuilt.tar
    if [ ! -r "$archive" ]; then
        echo "Error response from daemon: manifest for $ref not found: manifest unknown: manifest unknown" >&2
        return 1
    fi
    echo "$tag: Pulling from $path"
    id=sha256:$(tar -xOf "$archive" manifest.json | sed 's/.*"Config":"\([0-9a-f]*\)\.json".*/\1/')
    have=$($DOCKER image inspect "$ref" --format '{{.Id}}' 2>/dev/null)
    digest=$(sha256sum "$archive" | cut -c1-64)
    if [ "$have" = "$id" ]; then
        echo "Digest: sha256:$digest"
        echo "Status: Image is up to date for $ref"
        echo "$ref"
        return 0
    fi
    layer=$(tar -tf "$archive" | sed -n 's|^\([0-9a-f]\{12\}\)[0-9a-f]*/layer.tar$|\1|p' | head -n1)
    echo "$layer: Pulling fs layer"
    sleep 0.2
    echo "$layer: Verifying Checksum"
    echo "$layer: Download complete"
    $DOCKER load -q -i "$archive" >/dev/null || return 1
    echo "$layer: Pull complete"
    echo "Digest: sha256:$digest"
    echo "Status: Downloaded newer image for $ref"
    echo "$ref"
}
