#!/bin/sh
# Installs, builds and runs every test (unit, integration against real sshd and a real
# gnome-keyring, hostsim, GUI offscreen), then the sanitizer and fuzzing half
# (packaging/run-sanitized.sh). Screenshots and logs land in ./build/artifacts.
set -eu
cd "$(dirname "$0")/.."
sh packaging/build.sh
mkdir -p /run/sshd 2>/dev/null || true
(cd build && ctest --output-on-failure --parallel 2 --timeout 900)
# The Windows build under wine, when the cross prefix is there (else one line says why not).
[ "${MYST_SKIP_WINDOWS:-0}" = 1 ] || sh packaging/windows/run-tests.sh
# Then once more under AddressSanitizer and UBSan, after a bounded libFuzzer run on the parsers.
[ "${MYST_SKIP_SANITIZED:-0}" = 1 ] || sh packaging/run-sanitized.sh
