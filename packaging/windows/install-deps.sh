#!/bin/sh
# What the Windows half needs on a Debian 12 machine: MinGW-w64 (posix threads) to cross-build,
# Debian's Qt host tools (moc, rcc, uic of the same 6.4.2), wine64 to run the result, NSIS for
# the installer. The libraries themselves come from the cross prefix (docs/PORTING.md).
set -eu
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
if ! dpkg -s g++-mingw-w64-x86-64-posix wine64 nsis qt6-base-dev ninja-build >/dev/null 2>&1; then
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends \
        g++-mingw-w64-x86-64-posix binutils-mingw-w64-x86-64 wine64 nsis \
        qt6-base-dev cmake ninja-build xvfb xauth xdotool imagemagick python3 >/dev/null
fi
