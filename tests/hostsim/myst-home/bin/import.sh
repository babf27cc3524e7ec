#!/bin/bash
# The newer guide's offline path: load a docker save archive and tag it as myst-studio.
. "$(dirname "$0")/lib.sh"
check_fault import
if [ $# -ne 1 ]; then echo "Usage: import.sh <image>.tar.gz" >&2; exit 2; fi
out=$(docker load -i "$1") || exit 1
echo "$out"
image=$(printf '%s\n' "$out" | sed -n 's/^Loaded image: //p; s/^Loaded image ID: //p' | head -n1)
docker tag "$image" myst-studio && echo "Tagged $image as myst-studio"
