#!/usr/bin/env bash
# Scale-out on one machine: `backdrop worker --renderer studio` processes sharing one job on a
# throw-away local PostgreSQL server, the real executables end to end. A catalogue of PRODUCTS
# product photos (copies of ../shared/data/products, each made unique by a JPEG comment segment,
# so every product has its own variant keys) x the project's 7 ad placements; each worker
# count paints the same plan into its own cache folder (holding only the prepared masks). Prints,
# per worker count: variants/s, the workers' rendering and queue bookkeeping per variant (from
# their own timing), wall and CPU time, and the load average.
#
#   bench/core_generation/studio_workers_bench.sh <build>/app/backdrop [PRODUCTS=500] [WORKER COUNTS="1 4"]
set -euo pipefail
backdrop=$1
products=${2:-500}
worker_counts=${3:-"1 4"}
photos=$(cd "$(dirname "$0")/../../../shared/data/products" && pwd)

scratch=$(mktemp -d -t backdrop-workers-bench.XXXXXX)
source "$(dirname "$0")/../../tests/support/local_postgres.sh"
trap 'stop_local_postgres; [ -n "${KEEP:-}" ] || rm -rf "$scratch"' EXIT
start_local_postgres "$scratch" >/dev/null || exit $?

mkdir -p "$scratch/catalogue"
mapfile -t sources < <(ls "$photos"/*.jpg)
for ((i = 0; i < products; i++)); do
  source_photo=${sources[i % ${#sources[@]}]}
  # SOI, then a COM segment (marker FF FE, length 22 = 2 + the 20 bytes of the comment), then the rest.
  { head -c 2 "$source_photo"; printf '\xff\xfe\x00\x16backdrop-bench-%05d' "$i"; tail -c +3 "$source_photo"; } \
    >"$scratch/catalogue/p$(printf %05d "$i")-$(basename "$source_photo")"
done
project=$scratch/bench.backdrop
"$backdrop" project create "$project" >/dev/null
"$backdrop" project import "$project" --images "$scratch/catalogue" >/dev/null
echo "preparing $products products (masks), then planning x 7 placements ..."
for workers in $worker_counts; do
  "$backdrop" project jobs run "$project" --db "$PG_URL" --job "bench-$workers" --submit-only | grep -E "^planned"
done

echo
printf '%-8s %-9s %-12s %-15s %-16s %-8s %-22s %s\n' workers variants variants/s render-ms/var queue-ms/var wall-s "cpu-s(user+sys)" load
for workers in $worker_counts; do
  cache=$scratch/cache-$workers
  # The workers read the prepared masks from their cache folder, as workers sharing the project's
  # cache folder do; the images they paint start from nothing.
  mkdir -p "$cache" && cp -r "$project-cache/masks" "$cache/"
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  cpu_before=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
  start=$(date +%s.%N)
  pids=()
  for ((w = 1; w <= workers; w++)); do
    "$backdrop" worker --db "$PG_URL" --job "bench-$workers" --cache "$cache" --threads 1 --renderer studio \
      >"$scratch/worker-$workers-$w.log" 2>/dev/null &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
  wall=$(echo "$(date +%s.%N) - $start" | bc)
  ticks=$(getconf CLK_TCK)
  cpu=$(awk -v before="$cpu_before" -v ticks="$ticks" '{printf "%.0f", ($14 + $15 + $16 + $17 - before) / ticks}' /proc/$$/stat)
  # Each worker prints "per variant: rendering R ms, queue bookkeeping Q ms (N variants)".
  read -r variants render queue < <(cat "$scratch"/worker-"$workers"-*.log | awk '/^per variant/ {
      gsub(/[(,]/, " "); n += $10; r += $4 * $10; q += $8 * $10 } END { printf "%d %.1f %.1f\n", n, r / n, q / n }')
  printf '%-8s %-9s %-12.1f %-15s %-16s %-8.1f %-22s %s -> %s\n' "$workers" "$variants" "$(echo "$variants / $wall" | bc -l)" \
    "$render" "$queue" "$wall" "$cpu" "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)"
done
