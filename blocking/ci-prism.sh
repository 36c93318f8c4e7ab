#!/usr/bin/env bash
# Conformance run: serves the official Hetzner Cloud OpenAPI spec with the Prism mock server
# (which validates every request against the spec) and runs blocking/tests/prism.rs against it.
#
# Usage: bash blocking/ci-prism.sh [SPEC]
#   SPEC defaults to ../shared/hcloud-openapi/cloud.spec.json relative to the repository root.
# Environment:
#   PRISM_DIR      where Prism is installed with npm (default: ~/.cache/hcloud-rs/prism; reused)
#   PRISM_TIMEOUT  seconds to wait for Prism to answer (default 60)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
spec="${1:-$root/../shared/hcloud-openapi/cloud.spec.json}"
if [[ ! -f "$spec" ]]; then
    echo "ci-prism: spec not found: $spec" >&2
    exit 1
fi
spec="$(cd "$(dirname "$spec")" && pwd)/$(basename "$spec")"

prism_dir="${PRISM_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hcloud-rs/prism}"
prism="$prism_dir/node_modules/.bin/prism"
if [[ ! -x "$prism" ]]; then
    echo "ci-prism: installing @stoplight/prism-cli@5 into $prism_dir"
    mkdir -p "$prism_dir"
    npm install --prefix "$prism_dir" --no-audit --no-fund --loglevel=error @stoplight/prism-cli@5
fi

# A free loopback port, picked by the OS (node is there, since npm is).
port="$(node -e 'const s = require("net").createServer();
s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')"
url="http://127.0.0.1:$port"
log="$(mktemp -t prism-log.XXXXXX)"

"$prism" mock -h 127.0.0.1 -p "$port" "$spec" >"$log" 2>&1 &
prism_pid=$!
stop_prism() {
    if kill -0 "$prism_pid" 2>/dev/null; then
        kill "$prism_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$prism_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$prism_pid" 2>/dev/null || true
    fi
    rm -f "$log"
}
trap stop_prism EXIT

# Wait (bounded) until Prism accepts connections on its port.
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }
deadline=$((SECONDS + ${PRISM_TIMEOUT:-60}))
until answers; do
    if ! kill -0 "$prism_pid" 2>/dev/null; then
        echo "ci-prism: Prism exited before it answered:" >&2
        cat "$log" >&2
        exit 1
    fi
    if ((SECONDS >= deadline)); then
        echo "ci-prism: Prism did not answer on $url within ${PRISM_TIMEOUT:-60}s:" >&2
        cat "$log" >&2
        exit 1
    fi
    sleep 0.5
done
echo "ci-prism: Prism serves $spec on $url (pid $prism_pid)"

status=0
run_log=$(mktemp)
(cd "$root" && HCLOUD_PRISM_URL="$url" cargo test -p hcloud-blocking --test prism -- --ignored --nocapture) \
    2>&1 | tee "$run_log" || status=$?
# The tests are ignored in a plain `cargo test`; here every one of them must have run.
if ((status == 0)) && ! grep -qE '^test result: ok\. 3 passed; 0 failed; 0 ignored' "$run_log"; then
    echo "ci-prism: expected all 3 Prism tests to run and pass" >&2
    status=1
fi
rm -f "$run_log"
if ((status != 0)); then
    echo "ci-prism: the conformance run failed; Prism's validation log:" >&2
    grep -E "VALIDATOR|error" "$log" >&2 || true
fi
exit "$status"
