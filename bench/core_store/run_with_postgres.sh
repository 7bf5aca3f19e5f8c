#!/usr/bin/env bash
# Runs the job bookkeeping benchmark on SQLite and on a throw-away local PostgreSQL server.
#   bench/core_store/run_with_postgres.sh <build>/bench/core_store/bench_core_store_jobs [--variants N]
set -euo pipefail
bench=$1
shift
scratch=$(mktemp -d -t backdrop-pg-bench.XXXXXX)
source "$(dirname "$0")/../../tests/support/local_postgres.sh"
trap 'stop_local_postgres; rm -rf "$scratch"' EXIT
start_local_postgres "$scratch" || exit $?
"$bench" --postgres "$PG_URL" "$@"
