#!/bin/sh
# Installs, builds and starts the wizard. Arguments are passed to myst-upgrade-wizard.
set -eu
cd "$(dirname "$0")/.."
sh packaging/build.sh
exec ./build/app/myst-upgrade-wizard "$@"
