#!/usr/bin/env bash
# CI for wasm-demo: installs what it needs, builds the simulator and the .wasm, checks the
# size target, and runs the Rust unit tests, the Node test and the headless Chromium test.
#
# Runs as root on a fresh Debian 12 machine, non-interactively: `bash wasm-demo/ci.sh`.
# Every step is bounded in time; the tests stop every process they start, by its PID.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
export DEBIAN_FRONTEND=noninteractive
# The optimized .wasm plus its JavaScript glue must stay under 400 KB.
export WASM_MAX_BYTES=400000

step() { printf '\n== wasm-demo: %s\n' "$*"; }

step "system packages"
# Debian's wasm32-capable Rust (built with -Zbuild-std), the wasm linker, wasm-opt and Chromium.
bash "$root/.ci/apt-install.sh" rustc-web cargo-web rust-web-src lld binaryen chromium

command -v node >/dev/null || { echo "wasm-demo: Node.js 20 or later is needed" >&2; exit 1; }
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
    || { echo "wasm-demo: Node.js 20 or later is needed, found $(node --version)" >&2; exit 1; }

step "npm ci"
(cd "$here" && timeout 600 npm ci --no-audit --no-fund --loglevel=error)

step "build the simulator"
(cd "$root" && timeout 1800 cargo build -p hcloud-sim --release)
export HCLOUD_SIM="$root/target/release/hcloud-sim"

step "build the .wasm"
timeout 1800 bash "$here/build.sh"

step "unit tests of the exported API (host)"
(cd "$root" && timeout 1200 cargo test -p hcloud-wasm-demo)

step "Node and Chromium tests"
export CHROMIUM=/usr/bin/chromium
# `timeout` signals its whole process group, so nothing a runaway test started outlives it.
(cd "$here" && CI=1 timeout 900 node --test tests/)
