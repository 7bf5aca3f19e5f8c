#!/usr/bin/env bash
# Installs the missing Debian packages and builds the Release preset through ccache.
# Shared by the README's two commands (packaging/run-main-job.sh and tests/run-tests.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

bash packaging/install-deps.sh
# ccache: paths relative to the checkout (hits across clones), and precompiled headers allowed.
export CCACHE_BASEDIR="$PWD"
export CCACHE_SLOPPINESS="pch_defines,time_macros,include_file_mtime,include_file_ctime"
cmake --preset release
cmake --build --preset release --parallel "$(nproc)"
