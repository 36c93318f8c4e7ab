#!/usr/bin/env bash
# The tour as a newcomer meets it when something is off: an unknown argument, a token
# without --live, an endpoint nobody listens on, a malformed endpoint. Each must end at
# once with the right exit code (2 for usage, 1 for a failure) and a plain message on
# stderr: no Debug output, the variable or host named. Runs the built example directly.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build -q -p hcloud-blocking --example tour
tour="${CARGO_TARGET_DIR:-target}/debug/examples/tour"
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect CODE MAX_SECONDS PATTERN ENV... -- ARGS...: runs the tour with ENV (and no token
# or endpoint otherwise) and ARGS, checks its exit code, its running time, that stderr
# matches PATTERN, and that nothing printed looks like Debug output of an error.
expect() {
  local code=$1 seconds=$2 pattern=$3
  shift 3
  local env=()
  while [ "$1" != "--" ]; do env+=("$1"); shift; done
  shift
  local started=$SECONDS status=0
  env -u HCLOUD_TOKEN -u HCLOUD_ENDPOINT "${env[@]}" timeout 60 "$tour" "$@" >"$out" 2>"$err" || status=$?
  local took=$((SECONDS - started))
  local what="tour ${env[*]} $*" before=$failures
  [ "$status" -eq "$code" ] || fail "$what: exit code $status, expected $code"
  [ "$took" -le "$seconds" ] || fail "$what: took ${took}s, more than ${seconds}s"
  grep -qE "$pattern" "$err" || fail "$what: stderr does not match /$pattern/: $(cat "$err")"
  if grep -qE 'Core\(|Input\(|InputError \{|Transport \{' "$out" "$err"; then
    fail "$what: printed an error as Debug: $(cat "$err")"
  fi
  [ "$failures" -ne "$before" ] || echo "ok: $what -> exit $status in ${took}s"
}

closed_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

expect 2 5 'unknown argument "--frobnicate"' -- --frobnicate
expect 2 5 'only touches the real Hetzner Cloud API when asked' HCLOUD_TOKEN=abc --
expect 1 10 "could not connect to 127\.0\.0\.1:$closed_port" \
  HCLOUD_TOKEN=abc "HCLOUD_ENDPOINT=http://127.0.0.1:$closed_port/v1" --
expect 1 5 'HCLOUD_ENDPOINT.*"ftp://example\.test/v1"' HCLOUD_TOKEN=abc HCLOUD_ENDPOINT=ftp://example.test/v1 --
expect 1 5 'HCLOUD_TOKEN: contains a line break' "HCLOUD_TOKEN=abc
" HCLOUD_ENDPOINT=http://127.0.0.1:9/v1 --

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "the tour's exits and messages are as they should be"
