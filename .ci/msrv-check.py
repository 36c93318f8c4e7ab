#!/usr/bin/env python3
"""Fails when a package in the lockfile needs a newer Rust than the workspace declares.

Reads `cargo metadata --format-version 1` (all features, so optional dependencies such as
the native-tls stack are included; all platforms, so Windows- and wasm-only crates are
too) and compares each package's `rust-version` with the lowest one the workspace's own
packages declare. Packages that declare no `rust-version` cannot be checked and are
counted, not failed.

Usage: python3 .ci/msrv-check.py [METADATA.json]   (without a file, runs cargo metadata)
"""

import json
import subprocess
import sys


def version_key(text):
    """'1.85' and '1.85.0' compare equal; '1.88' is above both."""
    parts = [int(p) for p in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def load_metadata(argv):
    if len(argv) > 1:
        with open(argv[1], encoding="utf-8") as f:
            return json.load(f)
    out = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--all-features", "--locked"],
        check=True,
        stdout=subprocess.PIPE,
    ).stdout
    return json.loads(out)


def main(argv):
    metadata = load_metadata(argv)
    members = set(metadata["workspace_members"])
    ours = [p for p in metadata["packages"] if p["id"] in members]
    theirs = [p for p in metadata["packages"] if p["id"] not in members]

    undeclared_members = sorted(p["name"] for p in ours if not p.get("rust_version"))
    if undeclared_members:
        print("workspace packages without rust-version: " + ", ".join(undeclared_members))
        return 1
    msrv = min((p["rust_version"] for p in ours), key=version_key)

    too_new = sorted(
        (p for p in theirs if p.get("rust_version") and version_key(p["rust_version"]) > version_key(msrv)),
        key=lambda p: (p["name"], p["version"]),
    )
    declared = [p for p in theirs if p.get("rust_version")]
    undeclared = len(theirs) - len(declared)
    highest = max(declared, key=lambda p: version_key(p["rust_version"]), default=None)

    print(f"workspace rust-version: {msrv}")
    print(f"dependencies in the lockfile: {len(theirs)} ({undeclared} declare no rust-version)")
    if highest is not None:
        print(f"highest declared: {highest['name']} {highest['version']} needs {highest['rust_version']}")
    if too_new:
        print(f"{len(too_new)} need a newer Rust than {msrv}:")
        for p in too_new:
            print(f"  {p['name']} {p['version']} needs {p['rust_version']}")
        print(
            "Resolve older versions (the workspace uses the MSRV-aware resolver: "
            "`cargo update -p NAME` picks the newest that fits) or raise rust-version."
        )
        return 1
    print("every declared rust-version fits")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
