#!/usr/bin/env python3
"""Turns the measurements of list-servers.sh into Markdown tables and checks the targets.

    report.py RESULTS.tsv                   the whole report
    report.py --round RESULTS.tsv N ROUND   one line: each contestant's wall time in that
                                            round and the ratios between them

RESULTS.tsv has a header line and the columns `contestant servers rep wall_ms rss_kib cpu_ms`;
`rep` is the round: every contestant runs once per round, one after the other, so the ratios
within a round compare runs made under the same conditions.

Per contestant and server count the report gives the median wall time, the median CPU time
(user + system), the largest peak RSS, the ratios of the median time to curl's and to the
blocking client's, and every run's time; then, per round, the wall times and the ratios
blocking/curl, cli/blocking, python/blocking and async/blocking. Then it checks, at 100,000
servers (or the largest count measured, said so, when 100,000 is not among them):

- blocking takes at most 2 times curl's time;
- blocking is at least 10 times faster than the Go CLI (hcloud-cli);
- blocking is at least 25 times faster than the Python client (hcloud);
- async takes at most 1.2 times blocking's time;
- the peak RSS of each Rust client is at most 8 MiB.

A ratio is judged as the median of the per-round ratios (the runs it compares were made one
right after the other, so a slow spell of the machine that slows a whole round cancels out);
each round's ratio and the ratio of the median times are printed beside it. It prints PASS or
MISS per target and always exits 0: it is a report, not a test.
"""

import csv
import statistics
import sys

ORDER = ["curl", "blocking", "async", "cli", "python"]
LABELS = {
    "curl": "curl (transfer floor)",
    "blocking": "hcloud-blocking list_all",
    "async": "hcloud-async async_list_all",
    "cli": "hcloud-cli (Go)",
    "python": "hcloud (Python)",
}
# (name, numerator, denominator): the ratios printed per round and in the summary.
RATIOS = [
    ("blocking/curl", "blocking", "curl"),
    ("cli/blocking", "cli", "blocking"),
    ("python/blocking", "python", "blocking"),
    ("async/blocking", "async", "blocking"),
]
TARGET_SERVERS = 100_000
MAX_BLOCKING_VS_CURL = 2.0
MIN_CLI_VS_BLOCKING = 10.0
MIN_PYTHON_VS_BLOCKING = 25.0
MAX_ASYNC_VS_BLOCKING = 1.2
MAX_RSS_MIB = 8.0


def load(path):
    """{(contestant, servers): {round: (wall_ms, rss_kib, cpu_ms)}}"""
    runs = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            key = (row["contestant"], int(row["servers"]))
            runs.setdefault(key, {})[int(row["rep"])] = (
                float(row["wall_ms"]),
                int(row["rss_kib"]),
                float(row["cpu_ms"]),
            )
    return runs


def summarize(runs):
    out = {}
    for key, by_round in runs.items():
        samples = [by_round[r] for r in sorted(by_round)]
        out[key] = {
            "time": statistics.median(s[0] for s in samples),
            "rss_mib": max(s[1] for s in samples) / 1024.0,
            "cpu": statistics.median(s[2] for s in samples),
            "walls": [s[0] for s in samples],
        }
    return out


def round_ratios(runs, n, rnd):
    """{ratio name: value} for the contestants that ran in that round."""
    out = {}
    for name, num, den in RATIOS:
        a, b = runs.get((num, n), {}).get(rnd), runs.get((den, n), {}).get(rnd)
        if a and b and b[0] > 0:
            out[name] = a[0] / b[0]
    return out


def one_round(path, n, rnd):
    runs = load(path)
    walls = ", ".join(
        f"{name} {runs[(name, n)][rnd][0]:.0f} ms" for name in ORDER if rnd in runs.get((name, n), {})
    )
    ratios = ", ".join(f"{k} {v:.2f}×" for k, v in round_ratios(runs, n, rnd).items())
    print(f"round {rnd}, {n:,} servers: {walls} | {ratios}")
    return 0


def verdict(ok):
    return "PASS" if ok else "MISS"


def full(path):
    runs = load(path)
    summary = summarize(runs)
    counts = sorted({n for (_, n) in summary})

    print(
        "| contestant | servers | wall (ms, median) | CPU user+sys (ms, median) | peak RSS (MiB, max) "
        "| × curl | × blocking | all runs (ms) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for n in counts:
        curl, blocking = summary.get(("curl", n)), summary.get(("blocking", n))
        for name in ORDER:
            s = summary.get((name, n))
            if s is None:
                continue
            vs_curl = f"{s['time'] / curl['time']:.2f}×" if curl else "n/a"
            vs_blocking = f"{s['time'] / blocking['time']:.2f}×" if blocking else "n/a"
            walls = ", ".join(f"{w:.0f}" for w in s["walls"])
            print(
                f"| {LABELS[name]} | {n:,} | {s['time']:.0f} | {s['cpu']:.0f} | {s['rss_mib']:.1f} "
                f"| {vs_curl} | {vs_blocking} | {walls} |"
            )
    print()

    print("Per round (wall ms; every contestant once per round, one after the other):")
    print()
    names = [name for name in ORDER if any((name, n) in runs for n in counts)]
    print(
        "| servers | round | "
        + " | ".join(names)
        + " | "
        + " | ".join(r[0] for r in RATIOS)
        + " |"
    )
    print("| ---: | ---: | " + " | ".join("---:" for _ in names + RATIOS) + " |")
    per_round = {}
    for n in counts:
        rounds = sorted({r for name in names for r in runs.get((name, n), {})})
        for rnd in rounds:
            ratios = round_ratios(runs, n, rnd)
            for k, v in ratios.items():
                per_round.setdefault((k, n), []).append(v)
            cells = [
                f"{runs[(name, n)][rnd][0]:.0f}" if rnd in runs.get((name, n), {}) else "–" for name in names
            ]
            cells += [f"{ratios[r[0]]:.2f}×" if r[0] in ratios else "–" for r in RATIOS]
            print(f"| {n:,} | {rnd} | " + " | ".join(cells) + " |")
        cells = ["" for _ in names]
        cells += [
            f"{statistics.median(per_round[(r[0], n)]):.2f}×" if (r[0], n) in per_round else "–" for r in RATIOS
        ]
        print(f"| {n:,} | median | " + " | ".join(cells) + " |")
    print()

    at = TARGET_SERVERS if TARGET_SERVERS in counts else counts[-1]
    how = "a ratio is the median of the per-round ratios, which are listed after it"
    if at == TARGET_SERVERS:
        print(f"Targets (at {at:,} servers; {how}):")
    else:
        print(
            f"Targets (at {at:,} servers, the largest count measured: the targets are set for "
            f"{TARGET_SERVERS:,}, so these are indicative only; {how}):"
        )

    def get(name):
        return summary.get((name, at))

    def ratio_line(ratio_name, num, den, ok, goal):
        a, b = get(num), get(den)
        rounds = per_round.get((ratio_name, at))
        if not a or not b or not rounds:
            print(f"- n/a: {goal}: not measured")
            return
        value = statistics.median(rounds)
        listed = ", ".join(f"{v:.2f}" for v in rounds)
        print(
            f"- {verdict(ok(value))}: {goal}: {ratio_name} = {value:.2f}× (rounds: {listed}; "
            f"ratio of the median times: {a['time']:.0f} ms / {b['time']:.0f} ms = {a['time'] / b['time']:.2f}×)"
        )

    ratio_line(
        "blocking/curl",
        "blocking",
        "curl",
        lambda v: v <= MAX_BLOCKING_VS_CURL,
        f"blocking within {MAX_BLOCKING_VS_CURL:g}× curl's time",
    )
    ratio_line(
        "cli/blocking",
        "cli",
        "blocking",
        lambda v: v >= MIN_CLI_VS_BLOCKING,
        f"blocking at least {MIN_CLI_VS_BLOCKING:g}× faster than the Go CLI",
    )
    ratio_line(
        "python/blocking",
        "python",
        "blocking",
        lambda v: v >= MIN_PYTHON_VS_BLOCKING,
        f"blocking at least {MIN_PYTHON_VS_BLOCKING:g}× faster than the Python client",
    )
    ratio_line(
        "async/blocking",
        "async",
        "blocking",
        lambda v: v <= MAX_ASYNC_VS_BLOCKING,
        f"async within {MAX_ASYNC_VS_BLOCKING:g}× blocking's time",
    )
    for name in ("blocking", "async"):
        s = get(name)
        if not s:
            print(f"- n/a: {name} peak RSS at most {MAX_RSS_MIB:g} MiB: not measured")
            continue
        print(
            f"- {verdict(s['rss_mib'] <= MAX_RSS_MIB)}: {name} peak RSS at most {MAX_RSS_MIB:g} MiB: "
            f"{s['rss_mib']:.1f} MiB"
        )
    print()

    print("For information:")
    for name in ORDER:
        sizes = [(n, summary[(name, n)]["rss_mib"]) for n in counts if (name, n) in summary]
        if len(sizes) > 1:
            steps = " → ".join(f"{rss:.1f} MiB at {n:,}" for n, rss in sizes)
            print(f"- peak RSS of {LABELS[name]}: {steps}")
    return 0


def main():
    if sys.argv[1:2] == ["--round"]:
        return one_round(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    return full(sys.argv[1])


if __name__ == "__main__":
    sys.exit(main())
