#!/bin/bash
# Stops the MyST Studio instances.
. ./lib.sh || exit 1
check_fault stop
$DOCKER stop "$WEB" "$DB"
