#!/usr/bin/env bash
# Installs the Debian 12 packages that Backdrop's build, tests and GUI tests need.
# Idempotent: when every package is already installed it changes nothing and asks no registry.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git
  # diffusion engine (libtorch is slow without a threaded BLAS beside it)
  libtorch-dev libopenblas0-pthread
  # domain engine
  libopencv-dev libeigen3-dev libicu-dev libsqlite3-dev libpng-dev
  nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev doctest-dev
  # experiment statistics: normal and chi-square distribution functions (header-only Boost.Math)
  libboost-math-dev
  # project store: PostgreSQL client for shared job queues, the server for its test, SHA-256
  libpq-dev postgresql libssl-dev
  # the acceptance tests read the project file and call backdrop-serve as users do
  sqlite3 curl
  # desktop application
  qt6-base-dev qt6-svg-dev libqt6sql6-sqlite libqt6svg6 libqcustomplot-dev libgl-dev
  # push to production: bundle archives, manifest schema validation, the HTTP server and its load test
  libarchive-dev libvalijson-dev libcpp-httplib-dev wrk
  # headless GUI tests and screenshots
  xvfb xauth fonts-dejavu-core
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
