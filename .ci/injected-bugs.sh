#!/usr/bin/env bash
# Puts known bugs into the SDK one at a time, in a scratch worktree of HEAD, and checks that
# the tests fail on each: the mistakes that once went unnoticed, and each defect found by
# trying the clients against hostile servers, put back. A bug the tests let through fails
# this script. About half a minute per bug (a rebuild of the crate and its test binaries);
# .ci/run runs it after the test suite.
#
# Usage: bash .ci/injected-bugs.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scratch=$(mktemp -d /tmp/hcloud-bugs.XXXXXX)
# A target directory of its own: sharing the workspace's lets cargo keep test binaries built
# in the scratch tree, whose compiled-in paths point at it after it is removed.
export CARGO_TARGET_DIR="${INJECTED_TARGET_DIR:-$root/target/injected-bugs}"
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
# inject NAME FILE PATTERN REPLACEMENT [TEST-SELECTION...]: puts the bug in, runs the tests
# (by default the core's and the test kit's), expects them to fail, and takes the bug out.
inject() {
    local name=$1 file=$2 pattern=$3 replacement=$4 started=$SECONDS failed
    shift 4
    local selection=("$@")
    [ ${#selection[@]} -gt 0 ] || selection=(-p hcloud-core -p hcloud-testkit)
    python3 "$scratch/edit.py" "$file" "$pattern" "$replacement"
    if timeout 1200 cargo test -q "${selection[@]}" --no-fail-fast >"$scratch/log" 2>&1; then
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

# The defects found against hostile servers, each put back (numbered as when they were found).
inject "1: a response body in an error shown whole in Debug" core/src/runtime/error.rs \
    '\.field\("excerpt", &self\.excerpt\(\)\)' '.field("bytes", &self.expose())'
inject "2: a deadline that does not reach the attempts of a call" core/src/runtime/retry.rs \
    'request\.extensions_mut\(\)\.insert\(TimeLeft\(deadline\.saturating_since\(now\)\)\);' ''
inject "3: a name lookup not bounded by the connect timeout (blocking)" blocking/src/resolver.rs \
    'rx\.recv_timeout\(\*timeout\.after\)' 'rx.recv().map_err(|_| RecvTimeoutError::Disconnected)' \
    -p hcloud-blocking --lib
inject "4: failures to connect classified as possibly sent (blocking)" blocking/src/transport.rs \
    'E::HostNotFound \| E::ConnectionFailed \| E::Tls\(_\) => TransportFailure::connect\(\)' \
    'E::HostNotFound | E::ConnectionFailed | E::Tls(_) => TransportFailure::other()' -p hcloud-blocking --lib
inject "5: a walk that ignores last_page" core/src/runtime/paginate.rs \
    'if pagination\.last_page\.is_some_and\(\|last\| page >= last \|\| next > last\)' 'if false'
inject "6: plain http:// accepted for any host" core/src/runtime/config.rs \
    'if scheme == "http" && !plain_http && !is_loopback\(host\)' 'if false'
inject "7: jitter that overflows on extreme settings" core/src/runtime/machine.rs \
    'match millis\.checked_add\(1\) \{' 'match Some(millis + 1) {'
inject "8: a reset or truncated GET not retried" core/src/runtime/error.rs \
    'TransportFailureKind::Other => failure\.maybe_sent,' 'TransportFailureKind::Other => false,'
inject "9: server-sent text shown uncapped" core/src/runtime/text.rs \
    'const MAX_SHOWN_CHARS: usize = 300;' 'const MAX_SHOWN_CHARS: usize = usize::MAX / 2;'
inject "10: an empty HCLOUD_TOKEN reported as unset" core/src/runtime/config.rs \
    'Some\(token\) if token\.trim\(\)\.is_empty\(\) => \{\s*return Err\(ClientError::Config\(\s*"the environment variable HCLOUD_TOKEN is set but empty' \
    'Some(token) if token.trim().is_empty() => { return Err(ClientError::Config("the environment variable HCLOUD_TOKEN is not set'

((failures == 0)) || { echo "$failures injected bug(s) went unnoticed" >&2; exit 1; }
echo "every injected bug was caught"
