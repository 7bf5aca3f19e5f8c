#!/usr/bin/env bash
# Builds the `fuzz` preset and runs every libFuzzer target for SECONDS, JOBS at a time (at nice 10),
# each with its seed corpus and dictionary, then prints a table of executions, corpus sizes and
# findings. Exits non-zero when any target found something (crash, leak, timeout, out-of-memory,
# UB report) or did not run.
#
#   tests/fuzz/run-all.sh SECONDS [JOBS]
#
# Each run writes build/fuzz/fuzz-runs/<UTC time>-<pid>/<target>/: log.txt (libFuzzer's output)
# and artifacts/ (the inputs behind findings; reproduce one with
# `build/fuzz/tests/fuzz/fuzz_<target> <file>`). What the targets learn is kept across runs in
# build/fuzz/fuzz-corpus/<target>/; the committed and generated seeds are only read.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 || ! "$1" =~ ^[0-9]+$ || ! "${2:-1}" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 SECONDS [JOBS]" >&2
  exit 2
fi
seconds=$1
jobs=${2:-1}
cd "$(dirname "$0")/../.."
root=$PWD

export CCACHE_BASEDIR="$root"
export CCACHE_SLOPPINESS="pch_defines,time_macros,include_file_mtime,include_file_ctime"
cmake --preset fuzz > /dev/null
cmake --build --preset fuzz --parallel "$jobs"

build="$root/build/fuzz/tests/fuzz"
run_dir="$root/build/fuzz/fuzz-runs/$(date -u +%Y%m%dT%H%M%SZ)-$$"
mapfile -t targets < "$build/targets.txt"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

run_target() {
  local target=$1 out="$run_dir/$1"
  mkdir -p "$out/artifacts" "$root/build/fuzz/fuzz-corpus/$target"
  # The learned corpus first: new inputs go there; the seeds are read-only.
  local status=0
  nice -n 10 "$build/fuzz_$target" -max_total_time="$seconds" -timeout=60 -rss_limit_mb=2048 \
    -print_final_stats=1 -dict="$root/tests/fuzz/dict/$target.dict" -artifact_prefix="$out/artifacts/" \
    "$root/build/fuzz/fuzz-corpus/$target" "$build/corpus/$target" > "$out/log.txt" 2>&1 || status=$?
  echo "$status" > "$out/exit-code"
}

mkdir -p "$run_dir"
echo "fuzzing ${#targets[@]} targets for ${seconds}s each, $jobs at a time; logs in $run_dir"
for target in "${targets[@]}"; do
  while (($(jobs -rp | wc -l) >= jobs)); do wait -n || true; done
  run_target "$target" &
done
wait || true

count_files() { find "$1" -maxdepth 1 -type f -name "$2" | wc -l; }

findings=0
printf '%-20s %14s %8s %8s %6s %9s %5s %5s\n' target executions corpus crashes leaks timeouts oom UB
for target in "${targets[@]}"; do
  out="$run_dir/$target"
  log="$out/log.txt"
  executions=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
  corpus=$(grep -o 'corp: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
  crashes=$(count_files "$out/artifacts" 'crash-*')
  leaks=$(count_files "$out/artifacts" 'leak-*')
  timeouts=$(count_files "$out/artifacts" 'timeout-*')
  ooms=$(count_files "$out/artifacts" 'oom-*')
  ub=$(grep -c 'runtime error:' "$log" || true)
  printf '%-20s %14s %8s %8s %6s %9s %5s %5s\n' "$target" "${executions:-?}" "${corpus:-?}" "$crashes" "$leaks" \
    "$timeouts" "$ooms" "$ub"
  if ((crashes + leaks + timeouts + ooms + ub > 0)) || [[ "$(cat "$out/exit-code")" != 0 || -z "$executions" ]]; then
    findings=$((findings + 1))
    echo "  -> $target: see $log" >&2
  fi
done
if ((findings > 0)); then
  echo "$findings of ${#targets[@]} targets found something or did not finish cleanly" >&2
  exit 1
fi
echo "no findings"
