#!/usr/bin/env bash
# Installs what is missing, builds the Release preset (through ccache) and runs the whole test
# suite. Exits non-zero on any failure. Extra arguments go to ctest (for example -L parity).
set -euo pipefail
cd "$(dirname "$0")/.."

bash packaging/build.sh
# Tests find ../shared next to the repository unless BACKDROP_FIXTURES & co. say otherwise.
ctest --preset release --parallel "$(nproc)" "$@"
