#!/usr/bin/env bash
# Builds Backdrop's Debian package in a configured build folder and checks it the way a user gets it.
#
#   bash packaging/check-deb.sh [BUILD_DIR]            the package's files and declared dependencies
#   bash packaging/check-deb.sh --install [BUILD_DIR]  also, as root: `apt-get install` it, run
#       `backdrop` and `backdrop-studio --screenshot` from a scratch folder outside the checkout
#       (so every resource must come from /usr/share), then `apt-get remove` it again
#
# BUILD_DIR defaults to build/release. The scratch folder (outputs, screenshot) is printed and kept.
set -euo pipefail
cd "$(dirname "$0")/.."
install=0
if [ "${1:-}" = "--install" ]; then install=1; shift; fi
build_dir="${1:-build/release}"
catalog="$(realpath "${BACKDROP_CATALOG:-../shared/data/products/catalog.csv}")"

fail() { echo "check-deb: $*" >&2; exit 1; }

cmake --build "$build_dir" > /dev/null
rm -f "$build_dir"/backdrop_*.deb
(cd "$build_dir" && cpack -G DEB > cpack.log 2>&1) || { cat "$build_dir/cpack.log" >&2; fail "cpack failed"; }
deb="$(realpath "$(ls "$build_dir"/backdrop_*.deb)")"
echo "check-deb: built $deb ($(du -h "$deb" | cut -f1))"

# 1. Files: the programs, the desktop entry, the icon and the default resources.
contents="$(dpkg-deb -c "$deb" | awk '{print $NF}')"
for file in ./usr/bin/backdrop ./usr/bin/backdrop-studio ./usr/bin/backdrop-serve \
            ./usr/share/applications/backdrop-studio.desktop \
            ./usr/share/icons/hicolor/scalable/apps/backdrop.svg \
            ./usr/share/backdrop/layouts/default.json ./usr/share/backdrop/prompts/default.json \
            ./usr/share/backdrop/schemas/bundle-manifest.schema.json; do
  grep -qxF "$file" <<< "$contents" || fail "$file is missing from the package"
done

# 2. Dependencies: the linked libraries (dpkg-shlibdeps) and what is loaded at run time.
depends="$(dpkg-deb -f "$deb" Depends)"
echo "check-deb: Depends: $depends"
for package in libtorch1.13 libopenblas0-pthread libopencv-core406 libqt6widgets6 libqt6gui6 \
               libqt6sql6-sqlite libqt6svg6 libqcustomplot2.1-qt6 libsqlite3-0 fonts-dejavu-core \
               libarchive13 libcpp-httplib0.11; do
  grep -qE "(^|, )$package( |,|$)" <<< "$depends" || fail "Depends lacks $package"
done

# 3. Nothing points back into the build: no RUNPATH into the build folder.
unpacked="$(mktemp -d)"
trap 'rm -rf "$unpacked"' EXIT
dpkg-deb -x "$deb" "$unpacked"
for program in backdrop backdrop-studio; do
  if readelf -d "$unpacked/usr/bin/$program" | grep -E "R(UN)?PATH" | grep -qF "$(realpath "$build_dir")"; then
    fail "$program has a run path into the build folder"
  fi
done
if command -v desktop-file-validate > /dev/null; then
  desktop-file-validate "$unpacked/usr/share/applications/backdrop-studio.desktop"
fi
echo "check-deb: contents and dependencies OK"
[ "$install" -eq 1 ] || exit 0

# 4. Installed: run it from a scratch folder, with no BACKDROP_* variables pointing anywhere.
[ "$(id -u)" -eq 0 ] || fail "--install needs root (apt-get install)"
export DEBIAN_FRONTEND=noninteractive
# Depends alone must be enough; Recommends (menu and icon caches, Wayland) would only stay behind.
apt-get install -y -qq --no-install-recommends "$deb"
trap 'apt-get remove -y -qq backdrop; rm -rf "$unpacked"' EXIT
scratch="$(mktemp -d)"
cd "$scratch"
unset BACKDROP_LAYOUTS BACKDROP_PROMPTS BACKDROP_DATA_DIR BACKDROP_MODEL BACKDROP_CONTROLNET
[ "$(command -v backdrop)" = /usr/bin/backdrop ] || fail "backdrop is not /usr/bin/backdrop"
backdrop --version
# Two products; their image paths made absolute so the subset may live here.
awk -F, 'NR <= 3' "$catalog" | sed "s#,\([^,]*\.\(jpg\|png\|webp\)\)\(\r\?\)\$#,$(dirname "$catalog")/\1\3#" > two.csv
backdrop prepare --catalog two.csv --out prepared --placements square,story
backdrop generate --catalog two.csv --placements square --colors none,palette --seeds 0 --out variants
QT_QPA_PLATFORM=offscreen backdrop-studio --catalogue "$catalog" --generate 2 --view variants --screenshot studio.png
for file in prepared/contact_sheet.png variants/contact_sheet.png variants/variants.json studio.png; do
  [ -s "$file" ] || fail "$scratch/$file was not written"
done
echo "check-deb: installed package works from $scratch (outputs kept there)"
