#!/usr/bin/env bash
# Installs what is missing, builds the Release preset (through ccache) and runs Backdrop's main job:
# prepare the example catalogue, generate background variants around every product and write a
# contact sheet of the results. Outputs go to ./out (or the folder given as the first argument).
#
# Diffusion weights: set BACKDROP_MODEL to a Stable Diffusion 1.x diffusers folder or .safetensors
# (and BACKDROP_CONTROLNET to a canny ControlNet) to inpaint backgrounds; on CPU the job then takes
# one product per category at a reduced size so that it stays short. Without weights it makes
# studio-backdrop variants for the whole catalogue. BACKDROP_CATALOG picks another catalogue.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-out}"

bash packaging/build.sh

backdrop=./build/release/app/backdrop
catalog="${BACKDROP_CATALOG:-../shared/data/products/catalog.csv}"
mkdir -p "$out"
"$backdrop" --version

# 1. Preparation: masks, placements, edge maps, palettes, studio images and its own contact sheet.
"$backdrop" prepare --catalog "$catalog" --out "$out/prepared" --placements square,story \
  || [ $? -eq 3 ]  # 3: some products failed; they are listed and the job goes on

# 2. Background variants (prompt x colour x seed x placement), scored for artifacts.
generate=("$backdrop" generate --placements square --colors none,palette --seeds 0 --out "$out/variants")
if [ -n "${BACKDROP_MODEL:-}" ]; then
  # One product per category, 384 px, 12 steps: a few minutes per variant on 2 CPU cores.
  subset="$out/catalog-one-per-category.csv"
  awk -F, 'NR == 1 || !seen[$2]++' "$catalog" > "$subset"
  # Image paths relative to the catalogue stay valid from the subset's folder (CRLF lines kept).
  sed -i "s#,\([^,]*\.\(jpg\|png\|webp\)\)\(\r\?\)\$#,$(cd "$(dirname "$catalog")" && pwd)/\1\3#" "$subset"
  "${generate[@]}" --catalog "$subset" --colors palette --max-side 384 --steps 12 || [ $? -eq 3 ]
else
  "${generate[@]}" --catalog "$catalog" || [ $? -eq 3 ]
fi

# 3. Backdrop Studio as a merchandiser opens it: the catalogue, the first products prepared and
#    given studio variants (status badges), the first one's mask.
QT_QPA_PLATFORM=offscreen ./build/release/app/backdrop-studio \
  --catalogue "$catalog" --generate 5 --screenshot "$out/backdrop-studio.png"
echo "main job: wrote $out/prepared/contact_sheet.png, $out/variants/contact_sheet.png, $out/variants/variants.json," \
  "$out/backdrop-studio.png"
