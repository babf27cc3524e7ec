#!/bin/sh
# Packages build-win64/stage/ (made by build.sh) for Windows users: an installer made with NSIS
# (per-user, Start-menu entry, uninstaller, silent with /S) and a zip of the same files for
# those who may not run installers. Both are named with the project's one version number
# (project() in CMakeLists.txt) and land in build-win64/.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$ROOT/build-win64
STAGE=$BUILD/stage
[ -f "$STAGE/myst-upgrade-wizard.exe" ] || { echo "package.sh: run build.sh first" >&2; exit 1; }
VERSION=$(sed -n 's/^project(MystUpgradeWizard VERSION \([0-9][0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")
[ -n "$VERSION" ] || { echo "package.sh: no version in CMakeLists.txt" >&2; exit 1; }
NAME=myst-upgrade-wizard-$VERSION-win64

# The uninstaller deletes what was installed, file by file, then the folders bottom up.
FILELIST=$BUILD/installed-files.nsh
(cd "$STAGE" && find . -type f | sed 's|^\./||' | sort | tr '/' '\\' |
    sed 's|^\(.*\)$|    Delete "$INSTDIR\\\1"|'
 cd "$STAGE" && find . -mindepth 1 -type d | sed 's|^\./||' | sort -r | tr '/' '\\' |
    sed 's|^\(.*\)$|    RMDir "$INSTDIR\\\1"|') >"$FILELIST"

rm -f "$BUILD/$NAME-setup.exe" "$BUILD/$NAME.zip"
makensis -V2 -DVERSION="$VERSION" -DSTAGE="$STAGE" -DOUTFILE="$BUILD/$NAME-setup.exe" \
    -DICON="$ROOT/resources/windows/myst-upgrade-wizard.ico" -DFILELIST="$FILELIST" \
    "$ROOT/packaging/windows/installer.nsi"

# The zip holds one folder, so that unpacking it never scatters DLLs into Downloads.
ZIPROOT=$BUILD/zip/$NAME
rm -rf "$BUILD/zip"
mkdir -p "$ZIPROOT"
cp -R "$STAGE/." "$ZIPROOT/"
(cd "$BUILD/zip" && python3 -m zipfile -c "$BUILD/$NAME.zip" "$NAME")
rm -rf "$BUILD/zip"
ls -l "$BUILD/$NAME-setup.exe" "$BUILD/$NAME.zip"
