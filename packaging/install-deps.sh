#!/bin/sh
# Installs everything the wizard needs to build, run and be tested, from Debian 12's packages.
# Run as root (or through sudo). Safe to run again.
set -eu
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
    build-essential cmake ninja-build pkg-config clang-format \
    qt6-base-dev qt6-tools-dev libgl-dev libssh-dev qtkeychain-qt6-dev libspdlog-dev libarchive-dev libssl-dev \
    qt6-qpa-plugins clang libclang-rt-14-dev \
    openssh-server openssh-client procps xvfb xauth x11-apps imagemagick \
    gnome-keyring dbus dbus-x11 sqlite3 python3 curl util-linux coreutils \
    docker.io sudo busybox-static openssl iproute2 \
    libpam-oath oathtool libsecret-tools \
    desktop-file-utils appstream groff-base file lintian debootstrap x11-utils \
    at-spi2-core python3-pyatspi python3-gi xdotool gdb >/dev/null
# A real MySQL-compatible server for the realistic test hosts (tests/realhost builds its
# database image from these binaries). Its system service must not start: a policy-rc.d that
# refuses every start while apt runs, removed after unless it was there already.
POLICY=/usr/sbin/policy-rc.d
if [ -e "$POLICY" ]; then
    $SUDO apt-get install -y -qq --no-install-recommends mariadb-server mariadb-client >/dev/null
else
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null
    $SUDO chmod 755 "$POLICY"
    $SUDO apt-get install -y -qq --no-install-recommends mariadb-server mariadb-client >/dev/null ||
        { $SUDO rm -f "$POLICY"; exit 1; }
    $SUDO rm -f "$POLICY"
fi
