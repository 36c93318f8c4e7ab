#!/usr/bin/env bash
# Puts known bugs into the core one at a time, in a scratch worktree of HEAD, and checks that
# the core's and the test kit's tests fail on each. A bug the tests let through fails this
# script. About half a minute per bug (a rebuild of the core and the test binaries); .ci/run
# runs it after the test suite.
#
# Usage: bash .ci/injected-bugs.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scratch=$(mktemp -d /tmp/hcloud-bugs.XXXXXX)
# The workspace's own target directory: the dependencies built for the tests are reused.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
cleanup() {
    git -C "$root" worktree remove --force "$scratch/tree" >/dev/null 2>&1 || true
    rm -rf "$scratch"
}
trap cleanup EXIT
git -C "$root" worktree add --detach "$scratch/tree" HEAD >/dev/null 2>&1
cd "$scratch/tree"

# The edit: FILE, a Python regular expression (dot matches newlines) and its replacement,
# applied once; it fails when the pattern no longer matches, so the list cannot go stale.
cat >"$scratch/edit.py" <<'PY'
import re, sys
path, pattern, replacement = sys.argv[1:]
text = open(path).read()
changed, n = re.subn(pattern, replacement, text, count=1, flags=re.S)
if n != 1 or changed == text:
    sys.exit(f"the pattern for this bug no longer matches {path}")
open(path, "w").write(changed)
PY

failures=0
# inject NAME FILE PATTERN REPLACEMENT: puts the bug in, runs the tests, expects them to
# fail, and takes the bug out again.
inject() {
    local name=$1 file=$2 started=$SECONDS failed
    python3 "$scratch/edit.py" "$file" "$3" "$4"
    if timeout 1200 cargo test -q -p hcloud-core -p hcloud-testkit --no-fail-fast >"$scratch/log" 2>&1; then
        echo "MISSED ($((SECONDS - started)) s): $name"
        failures=$((failures + 1))
    else
        failed=$( (grep -E '^    [A-Za-z0-9_:]+$' "$scratch/log" || true) | sed 's/^ *//' | sort -u | head -4 \
            | paste -sd, - | sed 's/,/, /g')
        echo "caught ($((SECONDS - started)) s): $name; failing: ${failed:-the build}"
        [ -n "$failed" ] || tail -20 "$scratch/log"
    fi
    git checkout -q -- "$file"
}

inject "swap the wire strings of service_error and unsupported_error" core/src/runtime/error.rs \
    '"service_error"(.*?)"unsupported_error"' '"unsupported_error"\1"service_error"'
inject "rename the optional request field public_net.ipv4" core/src/api/servers/generated.rs \
    '(\n    pub ipv4: Option<PrimaryIpId>,)' '\n    #[serde(rename = "ipv_4")]\1'
inject "send :asc for a descending sort" core/src/runtime/sort.rs \
    'Some\(SortDirection::Desc\) => f\.write_str\(":desc"\)' 'Some(SortDirection::Desc) => f.write_str(":asc")'
inject "mark the body-less power-on action idempotent" core/src/api/servers/generated.rs \
    '(impl Operation for PowerOnServer \{.*?fn idempotent\(&self\) -> bool \{\s*)false' '\1true'
inject "make a bare 504 not retryable" core/src/runtime/error.rs \
    ' \|\| \*status == StatusCode::GATEWAY_TIMEOUT' ''
inject "drop the correlation id from decode errors" core/src/runtime/wire.rs \
    '(body: ResponseBody::new\(resp\.body\(\)\.clone\(\)\),\s*correlation_id: )correlation_id\(resp\.headers\(\)\)' '\1None'
inject "back off by a constant instead of exponentially" core/src/runtime/retry.rs \
    'self\.policy\.ceiling\(self\.retries\)' 'self.policy.ceiling(0)'

((failures == 0)) || { echo "$failures injected bug(s) went unnoticed" >&2; exit 1; }
echo "every injected bug was caught"
