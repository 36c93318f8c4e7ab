#!/usr/bin/env python3
"""Runs one command as its own process and reports its wall time, peak RSS and CPU time.

    measure.py --timeout SECONDS --stdout FILE -- COMMAND [ARG...]

Prints one line: `<wall_ms> <peak_rss_kib> <cpu_ms> <exit_code>` (exit code 124 after a
timeout, when the whole process group is killed).

Peak RSS is GNU time's `%M`, the ru_maxrss of exactly that child. It is deliberately not
read with os.wait4 on a child forked from this script: Linux carries the memory high-water
mark of the process that forked into the child's ru_maxrss across exec, so every child of a
Python process would report at least Python's own ~10 MiB (or more), hiding a 5 MiB Rust
client. GNU time is a small C program, so its floor is about 1 MiB.

Wall time is taken here with a monotonic clock, because GNU time's `%e` only has 10 ms
resolution; it includes starting GNU time itself (well under a millisecond). CPU time is
GNU time's user + system time (10 ms resolution), for information.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

GNU_TIME = os.environ.get("GNU_TIME", "/usr/bin/time")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--stdout", required=True, help="file that receives the command's stdout")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")

    with tempfile.NamedTemporaryFile("r", prefix="measure-", suffix=".time") as stats, open(
        args.stdout, "wb"
    ) as out:
        argv = [GNU_TIME, "-f", "%M %U %S", "-o", stats.name, "--", *command]
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdout=out, start_new_session=True)
        # A blocking wait, so the end is seen at once (Popen.wait(timeout=...) polls with
        # sleeps of up to 50 ms); a timer kills the process group if it runs too long.
        timed_out = threading.Event()

        def kill():
            timed_out.set()
            os.killpg(child.pid, signal.SIGKILL)  # GNU time and the command below it

        timer = threading.Timer(args.timeout, kill)
        timer.start()
        code = child.wait()
        wall_ms = (time.perf_counter() - start) * 1000.0
        timer.cancel()
        if timed_out.is_set():
            code = 124
        # GNU time writes "Command exited with non-zero status N" first when it fails.
        lines = [line.split() for line in stats.read().splitlines() if line.strip()]
    rss_kib, cpu_ms = -1, -1.0
    if lines and len(lines[-1]) == 3:
        try:
            rss_kib = int(lines[-1][0])
            cpu_ms = (float(lines[-1][1]) + float(lines[-1][2])) * 1000.0
        except ValueError:
            pass
    print(f"{wall_ms:.2f} {rss_kib} {cpu_ms:.0f} {code}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
