#!/bin/bash
# Offline upgrade: loads a MyST Studio image archive and tags it as myst-studio.
#   ./import.sh myst-studio-docker-image-<version>.tar.gz
. ./lib.sh || exit 1
check_fault import
if [ $# -ne 1 ]; then echo "Usage: import.sh <image>.tar.gz" >&2; exit 2; fi
if [ ! -f "$1" ]; then echo "ERROR: $1: No such file" >&2; exit 1; fi
out=$($DOCKER load -i "$1") || exit 1
echo "$out"
image=$(printf '%s\n' "$out" | sed -n 's/^Loaded image: //p; s/^Loaded image ID: //p' | tail -n1)
if [ -z "$image" ]; then echo "ERROR: no image found in $1" >&2; exit 1; fi
$DOCKER tag "$image" "$IMAGE" || exit 1
echo "Tagged $image as $IMAGE"
