#!/usr/bin/env bash
# Benchmark harness (not a test): list every server of a big project with each client.
#
#   bash bench/list-servers.sh
#
# For 10,000 and 100,000 servers (200 and 2,000 pages of 50) served over loopback, it runs as
# separate processes, interleaved round by round (one warm-up round, then 3), and reports per
# round each contestant's wall time and the ratios between them, then the median wall time,
# CPU time and largest peak RSS of each, and PASS/MISS against the targets:
#   curl      one curl fetching the same pages over one keep-alive connection: the floor
#   blocking  hcloud-blocking's `list_all` example (release build)
#   async     hcloud-async's `async_list_all` example (release build)
#   cli       the official Go CLI, Debian's `hcloud-cli`: `hcloud server list -o json`
#   python    the official Python client (`hcloud` from PyPI, in a temporary virtualenv)
# The pages come from the simulator (hcloud-sim) or, when measurement shows that serving them
# is a large part of the floor, from the simulator's pages dumped once to files and served
# by nginx. See bench/README.md.
#
# Environment (all optional):
#   BENCH_SIZES="10000 100000"  server counts, multiples of 50 (targets are judged at 100,000,
#                             or at the largest count when 100,000 is not among them)
#   BENCH_REPS=3              measured runs per contestant and count (after one warm-up run)
#   BENCH_SERVER=auto         auto | sim | nginx: force the page server (nginx skips measuring
#                             the simulator, minutes at 100,000 servers)
#   BENCH_HCLOUD_SPEC=hcloud  what pip installs (e.g. "hcloud==2.27.0")
#   BENCH_HCLOUD_CLI=PATH     the Go CLI to run instead of Debian's /usr/bin/hcloud (hcloud-cli)
#   BENCH_VENV=DIR            reuse a virtualenv that already has hcloud instead of a fresh one
#   BENCH_OUT=FILE            also write the report there
#   BENCH_KEEP=1              keep the scratch directory (pages, logs, raw results)
#   BENCH_RUN_TIMEOUT=300     seconds one contestant run may take before it is killed
#   BENCH_IDLE_WAIT=120       seconds to wait, before each round, for the CPUs to be >= 90% idle
#   BENCH_BUILD_TIMEOUT=1800  seconds each cargo build may take (it may wait for a file lock)
#   BENCH_CONTESTANTS="curl blocking async cli python"  who runs, in this order each round
# Always exits 0 once the report is printed: misses are reported, not failed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
SIZES=${BENCH_SIZES:-"10000 100000"}
REPS=${BENCH_REPS:-3}
SERVER_CHOICE=${BENCH_SERVER:-auto}
HCLOUD_SPEC=${BENCH_HCLOUD_SPEC:-hcloud}
RUN_TIMEOUT=${BENCH_RUN_TIMEOUT:-300}
IDLE_WAIT=${BENCH_IDLE_WAIT:-120}
BUILD_TIMEOUT=${BENCH_BUILD_TIMEOUT:-1800}
TOKEN=bench-token
PER_PAGE=50
CONTESTANTS=${BENCH_CONTESTANTS:-"curl blocking async cli python"} # the order within each round
# The Go CLI would also read these; the harness gives it a configuration of its own.
unset HCLOUD_CONTEXT HCLOUD_DEBUG HCLOUD_DEBUG_FILE HCLOUD_POLL_INTERVAL

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }

WORK=$(mktemp -d /tmp/hcloud-bench.XXXXXX)
chmod 755 "$WORK" # nginx workers may run as an unprivileged user
BIN=$WORK/bin
mkdir -p "$BIN" "$WORK/www" "$WORK/out"
PIDS=()

stop_pid() { # PID: TERM, wait up to 5 s, then KILL
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
    local pid
    for pid in ${PIDS[@]+"${PIDS[@]}"}; do stop_pid "$pid"; done
    if [[ ${BENCH_KEEP:-0} == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_for_line() { # FILE REGEX SECONDS: prints the first matching line
    local file=$1 regex=$2 i
    for ((i = 0; i < $3 * 10; i++)); do
        if grep -m1 -E "$regex" "$file" 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    return 1
}

# Other work on the machine (a build, say) distorts every number here. Before each round, wait
# (bounded) until the CPUs are at least 90% idle over one second; prints the idle percentage
# and fails if the machine stayed busy.
wait_for_idle() {
    python3 - "$IDLE_WAIT" <<'EOF'
import sys, time
def snapshot():
    values = [int(v) for v in open("/proc/stat").readline().split()[1:]]
    return values[3] + values[4], sum(values)  # idle + iowait, total
deadline = time.monotonic() + float(sys.argv[1])
while True:
    idle0, total0 = snapshot()
    time.sleep(1)
    idle1, total1 = snapshot()
    idle = (idle1 - idle0) / max(1, total1 - total0)
    if idle >= 0.9 or time.monotonic() >= deadline:
        print(f"{idle * 100:.0f}")
        sys.exit(0 if idle >= 0.9 else 1)
EOF
}

median_ms() { python3 -c 'import statistics,sys; print(f"{statistics.median(float(x) for x in sys.argv[1:]):.1f}")' "$@"; }

# --- tools -----------------------------------------------------------------------------
command -v cargo >/dev/null || die "cargo is needed"
command -v curl >/dev/null || die "curl is needed"
command -v python3 >/dev/null || die "python3 is needed"
apt_install() { # PACKAGE...: install from Debian when we are root with apt-get
    [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null || return 1
    log "apt-get install -y $*"
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q "$@" >"$WORK/apt.log" 2>&1 && return 0
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get update -q >>"$WORK/apt.log" 2>&1 || true
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q "$@" >>"$WORK/apt.log" 2>&1
}
if [[ ! -x /usr/bin/time ]]; then
    apt_install time || die "GNU time (/usr/bin/time, Debian package 'time') is needed for peak RSS"
fi
export GNU_TIME=/usr/bin/time
# The official Go CLI, as Debian packages it (hcloud-cli, which installs /usr/bin/hcloud).
if [[ -n ${BENCH_HCLOUD_CLI:-} ]]; then
    HCLOUD_CLI=$BENCH_HCLOUD_CLI
    HCLOUD_CLI_VERSION="$HCLOUD_CLI (BENCH_HCLOUD_CLI)"
else
    HCLOUD_CLI=/usr/bin/hcloud
    if ! dpkg-query -W -f '${Status}' hcloud-cli 2>/dev/null | grep -q 'ok installed'; then
        apt_install hcloud-cli || die "the Go CLI (Debian package 'hcloud-cli') is needed; or set BENCH_HCLOUD_CLI"
    fi
    HCLOUD_CLI_VERSION="hcloud-cli $(dpkg-query -W -f '${Version}' hcloud-cli) (Debian)"
fi
[[ -x $HCLOUD_CLI ]] || die "no Go CLI at $HCLOUD_CLI"
# Its configuration: an empty file under a scratch HOME, so that no user configuration (a
# context with another token or endpoint) applies; HCLOUD_TOKEN and HCLOUD_ENDPOINT do.
CLI_HOME=$WORK/cli-home
mkdir -p "$CLI_HOME"
: >"$CLI_HOME/cli.toml"

# --- build ------------------------------------------------------------------------------
# Build one binary at a time and copy it away right after its build, from the path cargo
# reports (the examples were once both called `list_all`, and their binaries collided).
build_bin() { # DEST CARGO-ARGS...: build, then copy the artifact cargo reports
    local dest=$1 exe
    shift
    exe=$(cd "$ROOT" && timeout "$BUILD_TIMEOUT" cargo build --release "$@" --message-format=json-render-diagnostics |
        python3 -c '
import json, sys
exe = None
for line in sys.stdin:
    msg = json.loads(line)
    if msg.get("reason") == "compiler-artifact" and msg.get("executable"):
        exe = msg["executable"]
print(exe or "")') || die "cargo build $* failed"
    [[ -n $exe && -x $exe ]] || die "cargo build $* produced no executable"
    cp "$exe" "$dest"
}
log "building release binaries (cargo build --release)"
build_bin "$BIN/hcloud-sim" -p hcloud-sim --bin hcloud-sim
build_bin "$BIN/list_all_blocking" -p hcloud-blocking --example list_all
build_bin "$BIN/list_all_async" -p hcloud-async --example async_list_all
grep -aq tokio "$BIN/list_all_async" || die "the async binary does not look like hcloud-async's"
! grep -aq tokio "$BIN/list_all_blocking" || die "the blocking binary does not look like hcloud-blocking's"

# --- page sources -----------------------------------------------------------------------
declare -A SIM_BASE SIM_PID
for n in $SIZES; do
    ((n > 0 && n % PER_PAGE == 0)) || die "BENCH_SIZES: $n is not a positive multiple of $PER_PAGE"
    out=$WORK/sim-$n.log
    "$BIN/hcloud-sim" --port 0 --token "$TOKEN" --servers "$n" --rate-limit 1000000000/1000000000 >"$out" 2>&1 &
    PIDS+=($!)
    SIM_PID[$n]=$!
    # It builds every server before it listens: about 4 s for 100,000 on a busy machine.
    line=$(wait_for_line "$out" '^listening on ' $((20 + n / 2000))) || die "hcloud-sim did not start: $(cat "$out")"
    SIM_BASE[$n]=${line#listening on }
    # Dump the simulator's pages once; they are also the static pages nginx may serve. The
    # simulator's time per page grows with the server count (about 5 ms at 100,000).
    pages=$((n / PER_PAGE))
    curl -sSf --max-time $((120 + n / 500)) -H "Authorization: Bearer $TOKEN" --create-dirs \
        "${SIM_BASE[$n]}/servers?page=[1-$pages]&per_page=$PER_PAGE" -o "$WORK/www/n$n/p#1.json"
    python3 - "$WORK/www/n$n" "$n" "$PER_PAGE" <<'EOF' || die "the dumped pages for $n servers are not right"
import json, sys
folder, n, per_page = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
pages = n // per_page
ids = []
for page in range(1, pages + 1):
    body = json.load(open(f"{folder}/p{page}.json"))
    p = body["meta"]["pagination"]
    assert p["page"] == page and p["total_entries"] == n, p
    assert p["next_page"] == (page + 1 if page < pages else None), p
    ids += [s["id"] for s in body["servers"]]
# In id order across the pages: then they also answer the Go CLI, which asks for sort=id:asc.
assert ids == list(range(1, n + 1))
EOF
done
chmod -R a+rX "$WORK/www"
LARGEST=$(tr ' ' '\n' <<<"$SIZES" | sort -n | tail -1)
log "simulators up; pages dumped to $WORK/www ($(du -sh "$WORK/www" | cut -f1))"

NGINX_BASE=""
start_nginx() {
    local nginx port conf=$WORK/nginx.conf i
    nginx=$(command -v nginx || true)
    [[ -z $nginx && -x /usr/sbin/nginx ]] && nginx=/usr/sbin/nginx
    if [[ -z $nginx ]]; then
        apt_install nginx-light || apt_install nginx || return 1
        nginx=$(command -v nginx || echo /usr/sbin/nginx)
    fi
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    mkdir -p "$WORK/nginx"
    # One process (no master), static files, keep-alive for the whole run, no compression.
    # GET /n<count>/v1/servers?page=P&per_page=50 -> www/n<count>/p<P>.json; no auth check.
    # The Go CLI adds sort=id:asc (URL-encoded), which the pages, in id order, already are;
    # any other sort is refused.
    cat >"$conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    sendfile on;
    tcp_nopush off;
    tcp_nodelay on;
    keepalive_timeout 120s;
    keepalive_requests 1000000;
    etag off;
    charset off;
    gzip off;
    types { }
    default_type application/json;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    server {
        listen 127.0.0.1:$port;
        root $WORK/www;
        location ~ ^/n(?<count>[0-9]+)/v1/servers\$ {
            if (\$arg_page !~ ^[0-9]+\$) { return 404; }
            if (\$arg_per_page != "$PER_PAGE") { return 400; }
            if (\$arg_sort !~ "^(id%3[Aa]asc|id:asc)?\$") { return 400; }
            try_files /n\$count/p\$arg_page.json =404;
        }
    }
}
EOF
    "$nginx" -c "$conf" -p "$WORK/nginx" >"$WORK/nginx/stdout.log" 2>&1 &
    PIDS+=($!)
    for ((i = 0; i < 100; i++)); do
        if curl -sf -o /dev/null "http://127.0.0.1:$port/n$LARGEST/v1/servers?page=1&per_page=$PER_PAGE"; then
            NGINX_BASE="http://127.0.0.1:$port"
            log "nginx $("$nginx" -v 2>&1 | sed 's/.*version: //') serving the pages on port $port"
            return 0
        fi
        sleep 0.1
    done
    log "nginx did not come up: $(cat "$WORK/nginx/error.log" "$WORK/nginx/stdout.log" 2>/dev/null)"
    return 1
}

# --- measuring --------------------------------------------------------------------------
run_measured() { # OUTFILE CMD...: prints "wall_ms rss_kib cpu_ms exit_code"
    local out=$1
    shift
    python3 "$HERE/measure.py" --timeout "$RUN_TIMEOUT" --stdout "$out" -- "$@"
}

curl_pages() { # BASE PAGES OUTFILE: the floor, one process, URL globbing over one connection
    run_measured "$3" curl -s --max-time "$RUN_TIMEOUT" -H "Authorization: Bearer $TOKEN" \
        "$1/servers?page=[1-$2]&per_page=$PER_PAGE" -o /dev/null -w '%{http_code} %{num_connects}\n'
}

check_curl_output() { # FILE PAGES: every page 200, one connection in total
    python3 - "$1" "$2" <<'EOF'
import sys
rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
codes = {r[0] for r in rows}
connects = sum(int(r[1]) for r in rows)
ok = len(rows) == int(sys.argv[2]) and codes == {"200"} and connects == 1
print(f"{len(rows)} pages, status {sorted(codes)}, {connects} connection(s)")
sys.exit(0 if ok else 1)
EOF
}

sim_cpu_ms() { # PID: user+system CPU time of that process so far
    python3 - "$1" <<'EOF'
import os, sys
fields = open(f"/proc/{sys.argv[1]}/stat").read().rsplit(")", 1)[1].split()
print((int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK"))
EOF
}

# --- choose the page server by measurement ------------------------------------------------
pages=$((LARGEST / PER_PAGE))
PAGE_BASE_KIND=sim
floor_of() { # BASE: median wall ms of 3 curl runs (after one warm-up), checked
    local base=$1 times=() i r
    for ((i = 0; i <= 3; i++)); do
        r=$(curl_pages "$base" "$pages" "$WORK/out/floor.txt")
        check_curl_output "$WORK/out/floor.txt" "$pages" >/dev/null ||
            die "curl against $base failed: $(check_curl_output "$WORK/out/floor.txt" "$pages" || true)"
        ((i > 0)) && times+=("${r%% *}")
    done
    median_ms "${times[@]}"
}
REASON=""
wait_for_idle >/dev/null || log "the machine stays busy; measuring anyway"
if [[ $SERVER_CHOICE == nginx ]]; then
    # Forced: the simulator is not measured (at 100,000 servers that takes minutes).
    start_nginx || die "BENCH_SERVER=nginx, but nginx could not be started"
    nginx_floor=$(floor_of "$NGINX_BASE/n$LARGEST/v1")
    log "nginx: curl takes $nginx_floor ms for $pages pages"
    PAGE_BASE_KIND=nginx
    REASON="BENCH_SERVER=nginx: static pages from nginx (curl: $nginx_floor ms for $pages pages; the simulator was not measured)"
else
    log "measuring the page servers with curl ($pages pages of $PER_PAGE)"
    cpu_before=$(sim_cpu_ms "${SIM_PID[$LARGEST]}")
    sim_floor=$(floor_of "${SIM_BASE[$LARGEST]}")
    cpu_after=$(sim_cpu_ms "${SIM_PID[$LARGEST]}")
    sim_cpu=$(python3 -c "print(f'{($cpu_after - $cpu_before) / 4:.0f}')")
    log "simulator: curl takes $sim_floor ms; the simulator spends ~$sim_cpu ms of CPU per $pages pages"
    if [[ $SERVER_CHOICE == sim ]]; then
        REASON="BENCH_SERVER=sim: the simulator serves the pages (curl: $sim_floor ms per $pages pages, of which ~$sim_cpu ms is the simulator's CPU)"
    elif start_nginx; then
        wait_for_idle >/dev/null || true
        nginx_floor=$(floor_of "$NGINX_BASE/n$LARGEST/v1")
        log "nginx: curl takes $nginx_floor ms"
        # The simulator is the bottleneck when the same pages come >= 20% faster from nginx, or
        # when its own CPU time is >= 25% of curl's time against it (that one is robust to noise).
        verdict=$(python3 -c "print('nginx' if $nginx_floor <= 0.8 * $sim_floor or $sim_cpu >= 0.25 * $sim_floor else 'sim')")
        if [[ $verdict == nginx ]]; then
            PAGE_BASE_KIND=nginx
            REASON="the simulator is a bottleneck: curl needs $sim_floor ms for $pages pages from it, ~$sim_cpu ms of which is the simulator's own CPU (building the JSON), but $nginx_floor ms for the same pages as static files from nginx, so nginx serves them"
        else
            REASON="the simulator is fast enough: curl needs $sim_floor ms for $pages pages from it (~$sim_cpu ms of that is the simulator's CPU) and $nginx_floor ms from nginx, so the simulator serves the pages"
        fi
    else
        REASON="nginx is not available, so the simulator serves the pages; the curl floor then includes its ~$sim_cpu ms of CPU per $pages pages"
    fi
fi
log "page server: $PAGE_BASE_KIND — $REASON"
base_for() { # COUNT: the API base URL the contestants use
    if [[ $PAGE_BASE_KIND == nginx ]]; then echo "$NGINX_BASE/n$1/v1"; else echo "${SIM_BASE[$1]}"; fi
}
if [[ $PAGE_BASE_KIND == nginx ]]; then # the simulators are no longer needed
    for n in $SIZES; do stop_pid "${SIM_PID[$n]}"; done
fi

# --- the reference Python client ---------------------------------------------------------
if [[ -n ${BENCH_VENV:-} ]]; then
    VENV=$BENCH_VENV
else
    VENV=$WORK/venv
    log "pip install $HCLOUD_SPEC into a temporary virtualenv"
    if ! python3 -m venv "$VENV" >"$WORK/venv.log" 2>&1; then
        apt_install python3-venv && python3 -m venv "$VENV" >>"$WORK/venv.log" 2>&1 ||
            die "cannot create a virtualenv: $(cat "$WORK/venv.log")"
    fi
    timeout 600 "$VENV/bin/pip" install --quiet --disable-pip-version-check "$HCLOUD_SPEC" >>"$WORK/venv.log" 2>&1 ||
        die "pip install $HCLOUD_SPEC failed: $(tail -5 "$WORK/venv.log")"
fi
HCLOUD_VERSION=$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("hcloud"))') ||
    die "no hcloud in $VENV"

# --- the runs -----------------------------------------------------------------------------
RESULTS=$WORK/results.tsv
printf 'contestant\tservers\trep\twall_ms\trss_kib\tcpu_ms\n' >"$RESULTS"
run_contestant() { # NAME COUNT REP: one run, checked; REP 0 is the unrecorded warm-up
    local name=$1 n=$2 rep=$3 base out r expect
    base=$(base_for "$n")
    out=$WORK/out/$name-$n-$rep.txt
    case $name in
    blocking) r=$(HCLOUD_TOKEN=$TOKEN HCLOUD_ENDPOINT=$base run_measured "$out" "$BIN/list_all_blocking") ;;
    async) r=$(HCLOUD_TOKEN=$TOKEN HCLOUD_ENDPOINT=$base run_measured "$out" "$BIN/list_all_async") ;;
    python) r=$(HCLOUD_TOKEN=$TOKEN HCLOUD_ENDPOINT=$base run_measured "$out" "$VENV/bin/python" "$HERE/hcloud_list.py") ;;
    cli) r=$(HOME=$CLI_HOME HCLOUD_CONFIG=$CLI_HOME/cli.toml HCLOUD_TOKEN=$TOKEN HCLOUD_ENDPOINT=$base \
        run_measured "$out" "$HCLOUD_CLI" server list -o json) ;;
    curl) r=$(curl_pages "$base" $((n / PER_PAGE)) "$out") ;;
    esac
    read -r wall rss cpu code <<<"$r"
    [[ $code == 0 ]] || die "$name ($n servers) exited with $code: $(tail -c 300 "$out")"
    if [[ $name == curl ]]; then
        check_curl_output "$out" $((n / PER_PAGE)) >/dev/null || die "curl ($n servers): $(check_curl_output "$out" $((n / PER_PAGE)) || true)"
    elif [[ $name == cli ]]; then
        # The CLI prints every server as JSON (about 1.8 KB each): count them once it has
        # ended, outside the measured time, then drop the file.
        expect="count=$n id_sum=$((n * (n + 1) / 2))"
        python3 "$HERE/count_json_list.py" "$out" >"$out.count" 2>&1 || true
        grep -q "^$expect\$" "$out.count" ||
            die "cli ($n servers): '$(head -c 200 "$out.count")' from '$(head -c 100 "$out")', expected '$expect'"
        rm -f "$out"
    else
        expect="count=$n id_sum=$((n * (n + 1) / 2))"
        grep -q "^$expect" "$out" || die "$name ($n servers) printed '$(head -c 200 "$out")', expected '$expect'"
    fi
    if ((rep > 0)); then
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$n" "$rep" "$wall" "$rss" "$cpu" >>"$RESULTS"
        log "$(printf '%-8s %6d servers  run %d: %8.1f ms  %6.1f MiB' "$name" "$n" "$rep" "$wall" "$(python3 -c "print($rss / 1024)")")"
    fi
}
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
BUSY_ROUNDS=0
for n in $(tr ' ' '\n' <<<"$SIZES" | sort -n); do
    for rep in $(seq 0 "$REPS"); do
        if ! idle=$(wait_for_idle); then
            BUSY_ROUNDS=$((BUSY_ROUNDS + 1))
            log "round $rep for $n servers starts on a busy machine ($idle% idle after ${IDLE_WAIT}s)"
        fi
        for name in $CONTESTANTS; do run_contestant "$name" "$n" "$rep"; done
        if ((rep > 0)); then log "$(python3 "$HERE/report.py" --round "$RESULTS" "$n" "$rep")"; fi
    done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# --- report -------------------------------------------------------------------------------
report() {
    echo "## Listing servers: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "- machine: $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(free -g | awk '/^Mem:/ {print $2}') GiB, Linux $(uname -r)"
    echo "- load average before/after: $LOAD_BEFORE / $LOAD_AFTER (1/5/15 min); rounds started on a busy machine: $BUSY_ROUNDS"
    echo "- page server: $PAGE_BASE_KIND — $REASON"
    echo "- $(rustc --version), $(curl --version | head -1 | cut -d' ' -f1-2), $HCLOUD_CLI_VERSION, Python $("$VENV/bin/python" -c 'import platform; print(platform.python_version())') with hcloud $HCLOUD_VERSION"
    echo "- $REPS measured round(s) after one warm-up round, every contestant once per round in the order $CONTESTANTS; median wall time and CPU time (user + system), largest peak RSS (GNU time %M)"
    echo
    python3 "$HERE/report.py" "$RESULTS"
}
if [[ -n ${BENCH_OUT:-} ]]; then report | tee "$BENCH_OUT"; else report; fi
if ((BUSY_ROUNDS > 0)); then
    log "note: $BUSY_ROUNDS round(s) started while other work kept the CPUs busy; those times are noisy"
fi
exit 0
