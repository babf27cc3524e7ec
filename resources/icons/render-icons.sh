#!/bin/sh
# Renders the application icon's PNGs, for the hicolor theme's sizes, from the SVG beside this
# script (rsvg-convert, Debian package librsvg2-bin). The PNGs are committed, so a build does
# not need the tool: run this after changing the SVG, and commit what it writes.
set -eu
cd "$(dirname "$0")"
for size in 16 22 24 32 48 64 128 256 512; do
    rsvg-convert --width "$size" --height "$size" myst-upgrade-wizard.svg \
        --output "myst-upgrade-wizard-$size.png"
done
