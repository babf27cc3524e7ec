#!/bin/bash
# Pulls MyST Studio <VERSION> from the MyST registry and tags it as myst-studio.
. ./lib.sh || exit 1
check_fault pull
if [ $# -ne 1 ]; then echo "Usage: pull.sh <VERSION>" >&2; exit 2; fi
image="$MYST_REGISTRY/myst-studio:$1"
registry_pull "$image" || exit 1
$DOCKER tag "$image" "$IMAGE" || exit 1
