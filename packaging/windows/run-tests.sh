#!/bin/sh
# The Windows half of README's test command: builds the Windows programs, the installer and the
# zip (build.sh, package.sh), then runs them under wine (a private WINEPREFIX) against the same
# simulated and realistic hosts as the Linux build: the end-to-end CLI tests that matter on a
# laptop (MYST_CLI=tests/windows/wine-cli), Windows Credential Manager, the installer, the wizard.
# Without the cross prefix it says so in one line and succeeds: nothing of the Linux half depends
# on it.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
TOOLCHAIN=${MYST_WIN64_TOOLCHAIN:-$ROOT/../shared/toolchains/win64}
if [ ! -f "$TOOLCHAIN/toolchain.cmake" ] || [ ! -d "$TOOLCHAIN/prefix" ]; then
    echo "Windows half skipped: no MinGW-w64 cross prefix at $TOOLCHAIN (docs/PORTING.md says how to make one)"
    exit 0
fi
sh packaging/windows/install-deps.sh
start=$(date +%s)
sh packaging/windows/build.sh
echo "Windows build and packages: $(( $(date +%s) - start )) s"

# A private prefix, made once per build folder. Mono and Gecko are not wanted (no .NET, no HTML
# in these programs), and their install dialogs would wait for a click that never comes.
export WINEPREFIX="$ROOT/build-win64/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
if [ ! -f "$WINEPREFIX/system.reg" ]; then
    /usr/lib/wine/wine64 wineboot -i >/dev/null 2>&1 || true
    /usr/lib/wine/wineserver -w
fi
/usr/lib/wine/wineserver -p 600 # one server for all the runs, not one started per program
# On Windows explorer.exe always runs. Under wine it is started by the first program that needs
# a desktop (Qt does) and ends when no program has used one for a while; started by a test's
# program it inherits that program's output pipes, and the test then waits for their end until
# it times out. A program that stays open for the whole half keeps one explorer running.
/usr/lib/wine/wine64 notepad.exe </dev/null >/dev/null 2>&1 &
sleep 3

export MYST_CLI="$ROOT/tests/windows/wine-cli"
failed=""
run() { # name command...
    name=$1
    shift
    echo "--- windows: $name"
    if ! "$@"; then
        failed="$failed $name"
    fi
}
IT=tests/integration
run check-and-host-keys python3 $IT/test_cli_bad_input.py -v \
    BadInput.test_check_passes_on_a_healthy_host \
    BadInput.test_unknown_host_key_is_exit_3_with_fingerprint
run windows-profile-and-changed-key python3 tests/windows/test_windows_cli.py -v
run upgrade-rollback python3 $IT/test_cli_upgrade_rollback.py -v
run offline-upload python3 $IT/test_cli_offline.py -v \
    OfflineImage.test_1_upgrade_with_image_tar_then_rollback
run upload-resume python3 $IT/test_cli_faults.py -v \
    Faults.test_3_connection_dropped_during_upload
run credential-manager python3 $IT/test_cli_keychain.py -v
run installer python3 tests/windows/test_windows_package.py -v
run wizard xvfb-run -a -s "-screen 0 1280x900x24" python3 tests/windows/test_windows_wizard.py -v
/usr/lib/wine/wineserver -k || true
echo "Windows half: $(( $(date +%s) - start )) s"
if [ -n "$failed" ]; then
    echo "Windows half FAILED:$failed"
    exit 1
fi
echo "Windows half passed"
