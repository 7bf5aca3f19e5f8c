#!/usr/bin/env bash
# Installs what is missing, builds the Release preset (through ccache) and runs Backdrop's main job.
# Outputs go to ./out (or the folder given as the first argument).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-out}"

bash packaging/install-deps.sh
cmake --preset release
cmake --build --preset release --parallel "$(nproc)"

mkdir -p "$out"
./build/release/app/backdrop --version
QT_QPA_PLATFORM=offscreen ./build/release/app/backdrop-studio \
  --catalogue ../shared/data/products/catalog.csv --screenshot "$out/backdrop-studio.png"
echo "main job: wrote $out/backdrop-studio.png"
