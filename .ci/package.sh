#!/usr/bin/env bash
# Packages every crate meant for users as a release would, without uploading anything: each
# tarball is unpacked and built against the others (cargo resolves the workspace's own
# unpublished crates locally, in dependency order). Also checks that exactly these crates
# are publishable; everything else must say `publish = false`.
#
# Usage: bash .ci/package.sh   (fetches dependencies first, then packages offline)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

expected="hcloud-async hcloud-blocking hcloud-core hcloud-sim"
publishable="$(cargo metadata --no-deps --format-version 1 --locked | python3 -c '
import json, sys
packages = json.load(sys.stdin)["packages"]
print(" ".join(sorted(p["name"] for p in packages if p["publish"] != [])))
')"
if [ "$publishable" != "$expected" ]; then
    echo "package: publishable crates are \"$publishable\", expected \"$expected\"" >&2
    echo "package: give the others publish = false" >&2
    exit 1
fi
echo "publishable: $publishable"

args=()
for name in $publishable; do args+=(-p "$name"); done
# The only step that may use the network: the registry index and the locked crates.
cargo fetch --locked
# --allow-dirty: CI checks out a clean tree; locally it lets the check run before a commit.
cargo package --locked --offline --allow-dirty "${args[@]}"
