#!/bin/bash
# Starts the MyST Studio instances. On boot the web instance upgrades the database.
. ./lib.sh || exit 1
check_fault start
image=$($DOCKER image inspect "$IMAGE" --format '{{.Id}}') || exit 1
mkdir -p ../data ../logs
if $DOCKER inspect "$DB" >/dev/null 2>&1; then
    $DOCKER start "$DB" || exit 1
else
    $DOCKER run -d --name "$DB" --network host \
        -e MYSQL_ROOT_PASSWORD="$MYSQL_ROOT_PASSWORD" -e MYSQL_DATABASE=myst \
        -e MYSQL_USER=myst -e MYSQL_PASSWORD="$MYST_DB_PASSWORD" \
        -v "$MYST_HOME/data:/var/lib/mysql" "$MYSQL_IMAGE" || exit 1
fi
wait_for_db || exit 1
current=$($DOCKER inspect "$WEB" --format '{{.Image}}' 2>/dev/null)
if [ "$current" = "$image" ]; then
    $DOCKER start "$WEB" || exit 1
else
    [ -n "$current" ] && { $DOCKER rm -f "$WEB" >/dev/null || exit 1; }
    $DOCKER run -d --name "$WEB" --network host \
        -e MYST_DB_URL=jdbc:mysql://127.0.0.1:3306/myst -e MYST_DB_USER=myst \
        -e MYST_DB_PASSWORD="$MYST_DB_PASSWORD" \
        -v "$MYST_HOME/logs:/usr/local/tomcat/logs" -v "$MYST_HOME/faults:/run/myst-faults:ro" \
        "$IMAGE" || exit 1
fi
