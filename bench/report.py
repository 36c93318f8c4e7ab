#!/usr/bin/env python3
"""Turns the measurements of list-servers.sh into a Markdown table and checks the targets.

    report.py RESULTS.tsv

RESULTS.tsv has a header line and the columns `contestant servers rep wall_ms rss_kib cpu_ms`.
Per contestant and server count it reports the median wall time, the largest peak RSS, the
ratio of the median time to curl's, the median CPU time and every run's time. Then it checks:

- the blocking client is at least 20 times faster than hcloud (at the largest count);
- the blocking client takes at most 3 times curl's time (at the largest count);
- the peak RSS of each Rust client at the largest count is within +20% (or +2 MiB, whichever
  is larger) of its peak RSS at the smallest count.

It prints PASS or MISS per target and always exits 0: it is a report, not a test.
"""

import csv
import statistics
import sys

ORDER = ["curl", "blocking", "async", "hcloud"]
LABELS = {
    "curl": "curl (transfer floor)",
    "blocking": "hcloud-blocking list_all",
    "async": "hcloud-async list_all",
    "hcloud": "hcloud (Python)",
}
SPEEDUP_VS_HCLOUD = 20.0
MAX_RATIO_VS_CURL = 3.0
RSS_GROWTH = 0.20
RSS_SLACK_MIB = 2.0


def load(path):
    runs = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            key = (row["contestant"], int(row["servers"]))
            runs.setdefault(key, []).append(
                (float(row["wall_ms"]), int(row["rss_kib"]), float(row["cpu_ms"]))
            )
    return runs


def summarize(runs):
    out = {}
    for key, samples in runs.items():
        walls = [s[0] for s in samples]
        out[key] = {
            "time": statistics.median(walls),
            "rss_mib": max(s[1] for s in samples) / 1024.0,
            "cpu": statistics.median(s[2] for s in samples),
            "walls": walls,
        }
    return out


def verdict(ok):
    return "PASS" if ok else "MISS"


def main():
    summary = summarize(load(sys.argv[1]))
    counts = sorted({n for (_, n) in summary})
    small, large = counts[0], counts[-1]

    print("| contestant | servers | time (ms) | peak RSS (MiB) | ratio vs curl | CPU (ms) | all runs (ms) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for n in counts:
        curl = summary.get(("curl", n))
        for name in ORDER:
            s = summary.get((name, n))
            if s is None:
                continue
            ratio = f"{s['time'] / curl['time']:.1f}×" if curl else "n/a"
            runs = ", ".join(f"{w:.0f}" for w in s["walls"])
            print(
                f"| {LABELS[name]} | {n:,} | {s['time']:.0f} | {s['rss_mib']:.1f} | {ratio} "
                f"| {s['cpu']:.0f} | {runs} |"
            )
    print()

    def get(name, n):
        return summary.get((name, n))

    print(f"Targets (at {large:,} servers unless stated):")
    blocking, hcloud, curl = get("blocking", large), get("hcloud", large), get("curl", large)
    if blocking and hcloud:
        speedup = hcloud["time"] / blocking["time"]
        print(
            f"- {verdict(speedup >= SPEEDUP_VS_HCLOUD)}: blocking is at least {SPEEDUP_VS_HCLOUD:.0f}× "
            f"faster than hcloud: {speedup:.2f}× ({blocking['time']:.0f} ms vs {hcloud['time']:.0f} ms)"
        )
    if blocking and curl:
        ratio = blocking["time"] / curl["time"]
        print(
            f"- {verdict(ratio <= MAX_RATIO_VS_CURL)}: blocking is within {MAX_RATIO_VS_CURL:.0f}× the "
            f"curl floor: {ratio:.2f}× ({blocking['time']:.0f} ms vs {curl['time']:.0f} ms)"
        )
    for name in ("blocking", "async"):
        a, b = get(name, small), get(name, large)
        if a and b:
            allowed = max(a["rss_mib"] * (1 + RSS_GROWTH), a["rss_mib"] + RSS_SLACK_MIB)
            print(
                f"- {verdict(b['rss_mib'] <= allowed)}: {name} peak RSS does not grow with the server "
                f"count: {a['rss_mib']:.1f} MiB at {small:,} → {b['rss_mib']:.1f} MiB at {large:,} "
                f"(allowed ≤ {allowed:.1f} MiB)"
            )
    print()
    print("For information:")
    a, h = get("async", large), get("hcloud", large)
    if a and h and curl:
        print(
            f"- async: {h['time'] / a['time']:.1f}× faster than hcloud, {a['time'] / curl['time']:.1f}× the curl floor"
        )
    hs, hl = get("hcloud", small), get("hcloud", large)
    if hs and hl:
        print(
            f"- hcloud collects every server: peak RSS {hs['rss_mib']:.1f} MiB at {small:,} → "
            f"{hl['rss_mib']:.1f} MiB at {large:,}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
