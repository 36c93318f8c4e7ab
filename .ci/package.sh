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
# Cargo unpacks the workspace's own tarballs into its registry cache under their version, and
# treats what it built from a registry as immutable: an unpacked copy or a build of the same
# version from an earlier run would be used instead of today's. Drop both first (a fresh
# machine has neither).
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
for name in $publishable; do
    find "$cargo_home/registry/src" -mindepth 2 -maxdepth 2 -type d -name "$name-[0-9]*" -path "*/-*/*" \
        -exec rm -rf {} + 2>/dev/null || true
done
# The tarballs are built in a target directory of their own, where everything named hcloud-*
# came from those unpacked copies; it goes, and the dependencies stay built.
verify_dir=target/package-verify
rm -rf "$verify_dir"/debug/.fingerprint/hcloud-* "$verify_dir"/debug/deps/libhcloud_* \
    "$verify_dir"/debug/deps/hcloud_* "$verify_dir"/debug/build/hcloud-*
# --allow-dirty: CI checks out a clean tree; locally it lets the check run before a commit.
CARGO_TARGET_DIR="$verify_dir" cargo package --locked --offline --allow-dirty "${args[@]}"
