#!/usr/bin/env bash
# Four worker processes share one job on a local PostgreSQL server; one is killed (SIGKILL)
# midway. Checks: every variant committed exactly once, each rendered at least once and only the
# killed worker's work in flight rendered twice, one cache file per variant and no temporaries.
# Exits 77 (CTest: skipped) when PostgreSQL's server programs are not installed.
#
#   jobs_postgres_test.sh <core_generation_jobs_worker>
set -euo pipefail

worker=$1
variants=${BACKDROP_PG_TEST_VARIANTS:-400}
threads=2

scratch=$(mktemp -d -t backdrop-pg-test.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  stop_local_postgres
  rm -rf "$scratch"
}
trap cleanup EXIT
source "$(dirname "$0")/../../support/local_postgres.sh"
start_local_postgres "$scratch" || exit $?
url=$PG_URL
pg_bin=$PG_BIN
echo "server at $url; submitting $variants variants"
sql() { "$pg_bin/psql" -X -q -t -A "$url" -c "$1"; }
fail() { echo "FAIL: $*"; exit 1; }

"$worker" submit "$url" catalogue "$variants" >/dev/null
: >"$scratch/renders.log"

for i in 1 2 3 4; do
  "$worker" run "$url" "$scratch/cache" catalogue "$threads" 10 1000 "$scratch/renders.log" >"$scratch/worker$i.log" 2>&1 &
  pids+=($!)
done

# Kill the first worker once a quarter of the job is rendered.
while [ "$(wc -l <"$scratch/renders.log")" -lt $((variants / 4)) ]; do sleep 0.05; done
kill -9 "${pids[0]}"
wait "${pids[0]}" 2>/dev/null || true
echo "killed worker 1 after $(wc -l <"$scratch/renders.log") renders"
for pid in "${pids[@]:1}"; do wait "$pid" || fail "a surviving worker failed: $(cat "$scratch"/worker*.log)"; done
pids=()
cat "$scratch"/worker[234].log

# A worker started afterwards finds nothing to do and removes the killed worker's temporaries.
"$worker" run "$url" "$scratch/cache" catalogue 1 10 1000 "$scratch/renders.log" >/dev/null

done_count=$(sql "SELECT count(*) FROM backdrop_job_tasks WHERE state = 'done'")
[ "$done_count" -eq "$variants" ] || fail "$done_count of $variants tasks done"
[ "$(sql "SELECT count(*) FROM backdrop_job_tasks")" -eq "$variants" ] || fail "task count changed"
committers=$(sql "SELECT count(DISTINCT completed_by) FROM backdrop_job_tasks")
[ "$committers" -ge 3 ] || fail "only $committers workers committed results"

rendered_keys=$(sort -u "$scratch/renders.log" | wc -l)
renders=$(wc -l <"$scratch/renders.log")
[ "$rendered_keys" -eq "$variants" ] || fail "$rendered_keys distinct variants rendered, expected $variants"
[ "$renders" -le $((variants + threads)) ] || fail "$renders renders for $variants variants: more than the killed worker had in flight"

sql "SELECT image_path FROM backdrop_job_tasks ORDER BY 1" >"$scratch/committed.txt"
(cd "$scratch/cache" && find . -type f | sed 's|^\./||' | sort) >"$scratch/files.txt"
diff -q "$scratch/committed.txt" "$scratch/files.txt" >/dev/null ||
  fail "cache files differ from committed results: $(diff "$scratch/committed.txt" "$scratch/files.txt" | head)"

# Pausing names an existing job; a misspelt one is refused, naming the jobs there are.
if message=$("$worker" pause "$url" catalogu 2>&1); then fail "pausing a job that does not exist succeeded"; fi
[[ "$message" == *"job 'catalogu' does not exist in postgresql://"*"(jobs: catalogue)"* ]] ||
  fail "unexpected refusal: $message"
[ "$(sql "SELECT count(*) FROM backdrop_jobs")" -eq 1 ] || fail "pausing a misspelt job created it"
"$worker" pause "$url" catalogue || fail "pausing the job failed"
[ "$(sql "SELECT state FROM backdrop_jobs WHERE name = 'catalogue'")" = paused ] || fail "the job is not paused"

# A queue made before jobs could be cancelled gets the wider check when the next worker starts; a
# cancelled job keeps its unmade tasks, and no worker claims them.
sql "ALTER TABLE backdrop_jobs DROP CONSTRAINT backdrop_jobs_state_check;
     ALTER TABLE backdrop_jobs ADD CONSTRAINT backdrop_jobs_state_check CHECK (state IN ('active', 'paused'))"
"$worker" submit "$url" leftover 5 >/dev/null
"$worker" cancel "$url" leftover || fail "cancelling the job failed"
: >"$scratch/leftover.log"
outcome=$("$worker" run "$url" "$scratch/cache" leftover 1 10 1000 "$scratch/leftover.log") || fail "run: $outcome"
[[ "$outcome" == cancelled* ]] || fail "a cancelled job ran: $outcome"
[ "$(sql "SELECT state FROM backdrop_jobs WHERE name = 'leftover'")" = cancelled ] || fail "the job is not cancelled"
left=$(sql "SELECT count(*) FROM backdrop_job_tasks t JOIN backdrop_jobs j ON j.id = t.job_id
            WHERE j.name = 'leftover' AND t.state = 'pending'")
[ "$left" -eq 5 ] && [ ! -s "$scratch/leftover.log" ] || fail "$left of 5 tasks left pending after a run"

echo "PASS: $variants variants committed exactly once by $committers workers; $renders renders; cache consistent"
