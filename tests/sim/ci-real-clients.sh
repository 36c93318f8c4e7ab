#!/usr/bin/env bash
# Runs the official Hetzner Cloud CLI (Debian package hcloud-cli) and the official
# Python client (PyPI package hcloud) against the hcloud-sim binary on 127.0.0.1,
# each through its story in tests/sim/stories/. Installs what is missing; fails on
# any error a client reports. Called from .ci/run; runs on its own as well:
#
#     bash tests/sim/ci-real-clients.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON_CLIENT="hcloud==2.27.0"
VENV=target/real-clients-venv
LOG=target/real-clients-sim.log
started=$(date +%s)

log() { printf '[real clients %3ds] %s\n' "$(($(date +%s) - started))" "$*"; }

missing=()
command -v hcloud >/dev/null || missing+=(hcloud-cli)
command -v python3 >/dev/null || missing+=(python3)
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi
log "CLI: $(hcloud version 2>&1 | head -1)"

if ! "$VENV/bin/python" -c 'import hcloud' 2>/dev/null; then
    log "pip install $PYTHON_CLIENT into $VENV"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check "$PYTHON_CLIENT"
fi
log "Python client: $("$VENV/bin/python" -c 'import hcloud; print(hcloud.__version__)')"

cargo build -q -p hcloud-sim --bin hcloud-sim
mkdir -p target
target/debug/hcloud-sim --port 0 --action-seconds 0.2 --seed 1 >"$LOG" 2>&1 &
sim_pid=$!
trap 'kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true' EXIT

url=""
for _ in $(seq 1 100); do
    url=$(sed -n 's/^listening on //p' "$LOG" | head -1)
    [ -n "$url" ] && break
    kill -0 "$sim_pid" 2>/dev/null || { cat "$LOG" >&2; exit 1; }
    sleep 0.1
done
[ -n "$url" ] || { echo "hcloud-sim did not start" >&2; cat "$LOG" >&2; exit 1; }
log "simulator $sim_pid at $url"

export HCLOUD_ENDPOINT="$url" HCLOUD_TOKEN=sim-token
unset HCLOUD_CONTEXT HCLOUD_CONFIG

log "CLI story"
timeout 300 bash tests/sim/stories/cli_story.sh
log "Python story"
timeout 300 "$VENV/bin/python" tests/sim/stories/python_story.py

kill "$sim_pid"
wait "$sim_pid" 2>/dev/null || true
trap - EXIT
log "both stories passed"
