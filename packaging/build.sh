#!/bin/sh
# Installs the dependencies (Debian 12 packages) and builds into ./build.
set -eu
cd "$(dirname "$0")/.."
sh packaging/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --parallel "$(nproc)"
