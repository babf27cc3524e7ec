#!/bin/sh
# Builds the .deb into build-deb/ (the programs only, no tests) and checks it with lintian.
# Run packaging/install-deps.sh first on a fresh machine. packaging/README.md says more.
set -eu
cd "$(dirname "$0")/.."
cmake -S . -B build-deb -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMYST_BUILD_TESTS=OFF -DMYST_BUILD_BENCH=OFF >/dev/null
cmake --build build-deb --parallel "${JOBS:-2}"
rm -f build-deb/*.deb
(cd build-deb && cpack -G DEB >/dev/null)
deb=$(ls build-deb/*.deb)
# Errors and warnings fail it; the info tags we accept are listed, with why, in packaging/README.md.
lintian --fail-on error,warning "$deb"
echo "$deb"
