#!/bin/sh
# Proves that the .deb installs and works on a clean Debian 12 (issue 19), as root:
#
#   packaging/test-install.sh [PACKAGE.deb]      (default: the newest build/*.deb)
#
# 1. A minimal bookworm root file system (debootstrap --variant=minbase), made once and cached
#    as $MYST_TEST_INSTALL_CACHE/rootfs.tar (default /var/cache/myst-test-install).
# 2. A fresh copy of it; in a chroot there `apt-get install ./PACKAGE.deb` (without Recommends,
#    so that Depends alone must be enough), from the apt mirror this machine uses.
# 3. `myst-upgrade --version`, `myst-upgrade plan` against a site file, the installed files
#    (man pages, completion, icon, desktop file, metainfo).
# 4. The wizard under Xvfb (the X server runs outside the chroot, so that nothing of X is
#    installed in it but what the package pulls in), and a screenshot with `import -window
#    root`: $MYST_TEST_INSTALL_OUT (default build/artifacts/test-install/wizard.png).
#
# Not part of the default `ctest` (needs root and the apt mirror; `-DMYST_TEST_INSTALL=ON` adds
# it as TestInstallDeb). Durations in packaging/README.md: about 50 s first, 20 s cached.
# Needs: debootstrap, xvfb, xauth, imagemagick, x11-utils (packaging/install-deps.sh).
set -eu
cd "$(dirname "$0")/.."
started=$(date +%s)
say() { echo "test-install: $*"; }
fail() { say "FAILED: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "needs root (debootstrap, chroot, mount)"
for tool in debootstrap xvfb-run import xwininfo; do
    command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install debootstrap xvfb xauth imagemagick x11-utils)"
done
deb=${1:-$(ls -t build/*.deb 2>/dev/null | head -n 1)}
[ -n "$deb" ] && [ -f "$deb" ] || fail "no .deb given and none in build/ (cd build && cpack -G DEB)"
deb=$(realpath "$deb")
version=$(dpkg-deb --field "$deb" Version)
cache=${MYST_TEST_INSTALL_CACHE:-/var/cache/myst-test-install}
out=$(realpath -m "${MYST_TEST_INSTALL_OUT:-build/artifacts/test-install}")
# The mirror this machine's apt uses (deb822 or one-line sources).
mirror=${MYST_TEST_INSTALL_MIRROR:-$(
    { sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null
      sed -n 's/^deb  *\(\[[^]]*\] *\)\{0,1\}\([^ ]*\) .*/\2/p' /etc/apt/sources.list 2>/dev/null
    } | grep -v security | head -n 1)}
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian

# 1. The clean root, once.
mkdir -p "$cache" "$out"
if [ ! -f "$cache/rootfs.tar" ]; then
    say "making a minimal bookworm root with debootstrap from $mirror (once)"
    fresh=$(mktemp -d /var/tmp/myst-rootfs.XXXXXX)
    debootstrap --variant=minbase bookworm "$fresh" "$mirror" >"$out/debootstrap.log" 2>&1 ||
        { rm -rf "$fresh"; fail "debootstrap (see $out/debootstrap.log)"; }
    tar -C "$fresh" -cf "$cache/rootfs.tar.part" . && mv "$cache/rootfs.tar.part" "$cache/rootfs.tar"
    rm -rf "$fresh"
fi
say "root file system ready after $(( $(date +%s) - started )) s"

# 2. A copy of it, and the package installed there.
work=$(mktemp -d /var/tmp/myst-test-install.XXXXXX)
root=$work/root
cleanup() {
    [ -z "${wizard_pid:-}" ] || kill "$wizard_pid" 2>/dev/null || true
    for m in tmp/.X11-unix dev/pts dev proc; do
        mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m"
    done
    # Never remove through a bind mount: that would be this machine's /dev or /tmp/.X11-unix.
    if grep -q " $root/" /proc/mounts; then
        say "left $work in place: something is still mounted under it" >&2
    else
        rm -rf --one-file-system "$work"
    fi
}
trap cleanup EXIT INT TERM
mkdir -p "$root"
tar -C "$root" -xf "$cache/rootfs.tar"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/"
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
say "installing $(basename "$deb") with apt-get in the chroot"
in_root sh -c "cd /tmp && apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends ./$(basename "$deb")" >"$out/apt.log" 2>&1 ||
    { tail -n 30 "$out/apt.log" >&2; fail "apt-get install (see $out/apt.log)"; }
say "installed after $(( $(date +%s) - started )) s"

# 3. The command line, and the files the package promises.
got=$(in_root myst-upgrade --version)
[ "$got" = "myst-upgrade $version" ] || fail "myst-upgrade --version said \"$got\""
got=$(in_root myst-upgrade-wizard --version 2>/dev/null || true)
[ "$got" = "myst-upgrade-wizard $version" ] || fail "myst-upgrade-wizard --version said \"$got\""
cat >"$root/tmp/site.json" <<'EOF'
{
  "hosts": {
    "prod": { "host": "myst-prod.example.com", "port": 22, "user": "oracle", "auth": "agent",
              "mystHome": "/u01/myst-studio", "consoleUrl": "https://127.0.0.1:8443/" }
  }
}
EOF
in_root myst-upgrade plan --site /tmp/site.json --approach in-place --version 7.2.0.1 \
    >"$out/plan.txt" 2>&1 || { cat "$out/plan.txt" >&2; fail "myst-upgrade plan"; }
grep -q "^Plan: in-place upgrade to MyST Studio 7.2.0.1" "$out/plan.txt" ||
    { cat "$out/plan.txt" >&2; fail "myst-upgrade plan printed no plan"; }
for f in /usr/share/man/man1/myst-upgrade.1.gz /usr/share/man/man1/myst-upgrade-wizard.1.gz \
    /usr/share/bash-completion/completions/myst-upgrade \
    /usr/share/icons/hicolor/48x48/apps/myst-upgrade-wizard.png \
    /usr/share/icons/hicolor/scalable/apps/myst-upgrade-wizard.svg \
    /usr/share/applications/myst-upgrade-wizard.desktop \
    /usr/share/metainfo/org.example.myst_upgrade_wizard.metainfo.xml; do
    [ -s "$root$f" ] || fail "$f is not installed"
done
say "myst-upgrade --version, plan and the installed files: ok"

# 4. The wizard on an X server outside the chroot: the chroot shares this machine's network
# namespace, so it reaches Xvfb's abstract socket; the socket folder is bound in as well.
mkdir -p "$root/tmp/.X11-unix"
mount --bind /tmp/.X11-unix "$root/tmp/.X11-unix"
export root out
xvfb-run -a -s "-screen 0 1280x800x24 -ac" sh -c '
    chroot "$root" env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 DISPLAY="$DISPLAY" \
        XDG_RUNTIME_DIR=/tmp myst-upgrade-wizard /tmp/site.json >"$out/wizard.log" 2>&1 &
    wizard_pid=$!
    for i in $(seq 1 60); do
        xwininfo -root -tree 2>/dev/null | grep -q "\"MyST Upgrade Wizard\"" && break
        kill -0 "$wizard_pid" 2>/dev/null || { echo "the wizard ended" >&2; exit 1; }
        sleep 0.5
    done
    sleep 2  # let it paint
    import -window root "$out/wizard.png"
    xwininfo -root -tree | grep -q "\"MyST Upgrade Wizard\"" || { echo "no wizard window" >&2; exit 1; }
    kill "$wizard_pid"
' || { cat "$out/wizard.log" >&2; fail "the wizard did not show its window"; }
say "wizard screenshot: $out/wizard.png"
say "passed in $(( $(date +%s) - started )) s"
