#!/bin/sh
# Cross-builds the two programs for 64-bit Windows (MinGW-w64) into build-win64/, stages the
# folder they run from, build-win64/stage/: the .exe files, every DLL they load (found by walking
# their imports, not from a hand list), and the Qt plugins a Windows desktop needs; then packages
# it (package.sh): build-win64/myst-upgrade-wizard-VERSION-win64-setup.exe and .zip.
#
# The libraries come from a prebuilt cross prefix (README.md there):
#   MYST_WIN64_TOOLCHAIN  folder with toolchain.cmake and prefix/
#                         (default: ../shared/toolchains/win64 beside the repository)
#   MYST_WIN64_UNITY      ON (default) or OFF: CMake's unity build, one compiler run per batch of
#                         sources (from clean on 2 cores: 2 min, against 4 min 40 s)
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TOOLCHAIN=${MYST_WIN64_TOOLCHAIN:-$ROOT/../shared/toolchains/win64}
TOOLCHAIN=$(cd "$TOOLCHAIN" && pwd)
PREFIX=$TOOLCHAIN/prefix
BUILD=$ROOT/build-win64
STAGE=$BUILD/stage
OBJDUMP=x86_64-w64-mingw32-objdump

cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$TOOLCHAIN/toolchain.cmake" \
    -DCMAKE_BUILD_TYPE=Release -DMYST_BUILD_TESTS=OFF -DMYST_BUILD_BENCH=OFF \
    -DCMAKE_UNITY_BUILD="${MYST_WIN64_UNITY:-ON}" >"$BUILD.configure.log" ||
    { cat "$BUILD.configure.log"; exit 1; }
mv "$BUILD.configure.log" "$BUILD/configure.log"
cmake --build "$BUILD" --parallel "$(nproc)" --target myst-upgrade myst-upgrade-wizard

# The stage folder is made afresh, so that nothing of an earlier build stays in a package.
rm -rf "$STAGE"
mkdir -p "$STAGE"
# (qt_standard_project_setup puts programs at the build folder's top on Windows)
cp "$BUILD/myst-upgrade.exe" "$BUILD/myst-upgrade-wizard.exe" "$STAGE/"
x86_64-w64-mingw32-strip "$STAGE"/*.exe

# Qt plugins, in the folders Qt looks for beside the program: the platforms (windows for the
# desktop; offscreen and minimal for tests and headless runs), the native style, TLS through
# Windows' own schannel (and the certificate-only backend Qt falls back to), .ico images.
plugin() { # folder name
    mkdir -p "$STAGE/$1"
    cp "$PREFIX/plugins/$1/$2.dll" "$STAGE/$1/"
}
plugin platforms qwindows
plugin platforms qoffscreen
plugin platforms qminimal
plugin styles qwindowsvistastyle
plugin tls qschannelbackend
plugin tls qcertonlybackend
plugin imageformats qico

# Every DLL the programs and plugins import, and what those import in turn, that the prefix
# has (the rest are Windows' own: KERNEL32, USER32, WS2_32, ...). Names compare case-blind,
# as Windows does.
imports() {
    "$OBJDUMP" -p "$1" | sed -n 's/^[[:space:]]*DLL Name: //p'
}
lower() { printf '%s\n' "$1" | tr '[:upper:]' '[:lower:]'; }
pending=$(find "$STAGE" -name '*.exe' -o -name '*.dll')
while [ -n "$pending" ]; do
    next=
    for binary in $pending; do
        for dll in $(imports "$binary"); do
            [ -e "$STAGE/$dll" ] && continue
            found=
            for candidate in "$PREFIX"/bin/*.dll; do
                if [ "$(lower "${candidate##*/}")" = "$(lower "$dll")" ]; then
                    found=$candidate
                    break
                fi
            done
            [ -n "$found" ] || continue
            [ -e "$STAGE/${found##*/}" ] && continue
            cp "$found" "$STAGE/"
            next="$next $STAGE/${found##*/}"
        done
    done
    pending=$next
done

# Qt finds plugins beside the program without it; qt.conf says so explicitly, so that a Qt
# prefix compiled into Qt6Core.dll (the cross prefix's path) is never searched.
printf '[Paths]\nPrefix = .\nPlugins = .\n' >"$STAGE/qt.conf"

echo "Staged $(find "$STAGE" -type f | wc -l) files in $STAGE"

# What a Windows user installs: the installer and the zip of the same files.
sh "$ROOT/packaging/windows/package.sh"
