#!/usr/bin/env bash
# Runs the test suite under the sanitizers and exits non-zero on any report:
#   1. builds the asan preset (AddressSanitizer + UndefinedBehaviorSanitizer, LeakSanitizer on),
#   2. runs the whole ctest suite under it,
#   3. builds the tsan preset, only the targets the threaded tests need,
#   4. runs those tests (serving, job runner, Studio workers) under ThreadSanitizer.
# Prints each phase's wall, user and system time. Reports go to files under build/<preset>/
# sanitizer-reports/ as well (a child process such as backdrop-serve may report while its test
# still passes), and any such file fails the run.
#
#   tests/run-sanitizers.sh               # everything
#   tests/run-sanitizers.sh asan          # phases 1-2 only
#   tests/run-sanitizers.sh tsan          # phases 3-4 only
# Environment: JOBS (build and ctest parallelism, default nproc), extra ctest arguments in
# CTEST_ARGS (for example "-E ^models_" to leave out the slowest area while iterating).
set -uo pipefail
cd "$(dirname "$0")/.."
readonly ROOT="$PWD"
readonly JOBS="${JOBS:-$(nproc)}"
readonly WHICH="${1:-all}"
readonly SUPPRESSIONS="$ROOT/tests/sanitizers"

# ccache: shared with the other presets' builds (see packaging/build.sh).
export CCACHE_BASEDIR="$ROOT"
export CCACHE_SLOPPINESS="pch_defines,time_macros,include_file_mtime,include_file_ctime"

# The threaded tests: serving, the job runner, the content hash cache, and the Studio tests whose
# panels run work on the thread pool (every ui_ test opens panels that own futures).
readonly TSAN_TESTS='^(core_serving_|app_serve_|core_generation_jobs|core_generation_content_hash|ui_)'
# Executables those tests start besides themselves.
readonly TSAN_EXTRA_TARGETS=(backdrop backdrop-serve backdrop-studio core_generation_jobs_worker)

failures=0
TIMEFORMAT='    wall %1Rs  user %1Us  sys %1Ss'

# phase NAME COMMAND...: runs one phase, prints its times, counts a failure.
phase() {
  local name="$1"
  shift
  echo "== $name ($(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg))"
  local status=0
  { time "$@"; } 2>&1 || status=$?
  echo "== $name: exit $status"
  [ "$status" -eq 0 ] || failures=$((failures + 1))
  return 0
}

# reports_in DIR: fails (and prints them) when a sanitizer wrote any report under DIR.
reports_in() {
  local dir="$1"
  if compgen -G "$dir/*" >/dev/null; then
    echo "sanitizer reports in $dir:"
    for report in "$dir"/*; do
      echo "--- $report"
      head -c 20000 "$report"
    done
    return 1
  fi
  echo "no sanitizer reports in $dir"
}

build_asan() {
  cmake --preset asan >/dev/null && cmake --build --preset asan --parallel "$JOBS"
}

test_asan() {
  local reports="$ROOT/build/asan/sanitizer-reports"
  rm -rf "$reports" && mkdir -p "$reports"
  # halt_on_error: the first report ends the process (and fails its test). Leaks are reported at
  # exit. Suppressions name third-party libraries only; see the files for why each is there.
  ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=0:log_path=$reports/asan" \
    LSAN_OPTIONS="suppressions=$SUPPRESSIONS/lsan.supp:print_suppressions=0" \
    UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$SUPPRESSIONS/ubsan.supp:log_path=$reports/ubsan" \
    ctest --preset asan --parallel "$JOBS" ${CTEST_ARGS:-}
  local tests=$?
  reports_in "$reports" && return "$tests"
}

build_tsan() {
  cmake --preset tsan >/dev/null || return 1
  local targets=("${TSAN_EXTRA_TARGETS[@]}") name
  # Test executables carry their test's name; script tests (CMake, bash) have no target of their own.
  for name in $(ctest --test-dir build/tsan -N -R "$TSAN_TESTS" | sed -n 's/^ *Test *#[0-9]*: //p'); do
    if ninja -C build/tsan -t query "$name" >/dev/null 2>&1; then targets+=("$name"); fi
  done
  cmake --build --preset tsan --parallel "$JOBS" --target "${targets[@]}"
}

test_tsan() {
  local reports="$ROOT/build/tsan/sanitizer-reports"
  rm -rf "$reports" && mkdir -p "$reports"
  # One OpenMP thread: libgomp is not instrumented, so TSan cannot see its barriers and would
  # report every tensor handed between OpenMP threads (the suppression file covers the rest).
  OMP_NUM_THREADS=1 \
    TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:history_size=4:suppressions=$SUPPRESSIONS/tsan.supp:log_path=$reports/tsan" \
    ctest --test-dir build/tsan --output-on-failure --parallel "$JOBS" -R "$TSAN_TESTS" ${CTEST_ARGS:-}
  local tests=$?
  reports_in "$reports" && return "$tests"
}

start=$(date +%s)
if [ "$WHICH" = all ] || [ "$WHICH" = asan ]; then
  phase "asan: build" build_asan
  phase "asan: whole suite under ASan + UBSan" test_asan
fi
if [ "$WHICH" = all ] || [ "$WHICH" = tsan ]; then
  phase "tsan: build the threaded tests" build_tsan
  phase "tsan: threaded tests under TSan" test_tsan
fi
echo "== total: $(($(date +%s) - start)) s, $failures failed phase(s)"
[ "$failures" -eq 0 ]
