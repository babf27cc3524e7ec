#!/bin/sh
# Installs the dependencies (Debian 12 packages) and builds into ./build.
set -eu
cd "$(dirname "$0")/.."
sh packaging/install-deps.sh
# A unity build (batches of sources compiled as one) parses Qt's headers once per batch rather
# than once per file: 224 s instead of 566 s for everything on CI's two cores.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_UNITY_BUILD=ON >/dev/null
cmake --build build --parallel "$(nproc)"
