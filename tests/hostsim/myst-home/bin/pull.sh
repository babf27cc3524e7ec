#!/bin/bash
# Pulls MyST Studio <VERSION> from the registry and tags it as myst-studio.
. "$(dirname "$0")/lib.sh"
check_fault pull
if [ $# -ne 1 ]; then echo "Usage: pull.sh <VERSION>" >&2; exit 2; fi
image="registry.example.com/myst-studio:$1"
[ "$(fault pull)" = rebuilt ] && export SIM_REGISTRY_REBUILT=1
docker pull "$image" || exit 1
docker tag "$image" myst-studio || exit 1
echo "Tagged $image as myst-studio"
