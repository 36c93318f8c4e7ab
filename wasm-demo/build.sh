#!/usr/bin/env bash
# Builds hcloud-wasm-demo for wasm32-unknown-unknown into wasm-demo/pkg/hcloud.wasm and
# reports its size.
#
# Toolchains, in order of preference:
#   1. rustup with the target installed (`rustup target add wasm32-unknown-unknown`);
#   2. Debian's rustc-web, cargo-web, rust-web-src and lld, building the standard library
#      from source (-Zbuild-std), since Debian ships no prebuilt wasm32 standard library.
#
# Environment: WASM_TARGET_DIR (default wasm-demo/target) keeps this build apart from the
# workspace's; WASM_MAX_BYTES, when set, makes the script fail if the .wasm is larger.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
target_dir="${WASM_TARGET_DIR:-$here/target}"
target=wasm32-unknown-unknown
out_dir="$here/pkg"

# Size first: the release profile of the workspace is left alone; these apply to this build.
export CARGO_PROFILE_RELEASE_OPT_LEVEL=z
export CARGO_PROFILE_RELEASE_LTO=true
export CARGO_PROFILE_RELEASE_PANIC=abort
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1
export CARGO_PROFILE_RELEASE_STRIP=true
export CARGO_PROFILE_RELEASE_DEBUG=false

cargo_args=(build --release --target "$target" -p hcloud-wasm-demo --lib
    --manifest-path "$root/Cargo.toml" --target-dir "$target_dir")

if command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -qx "$target"; then
    echo "build.sh: using rustup's $(rustc --version) with the installed $target target" >&2
    cargo "${cargo_args[@]}"
elif [ -x /usr/bin/cargo ] && [ -x /usr/bin/rustc ] && [ -d /usr/lib/rustlib/src/rust/library ] \
    && command -v wasm-ld >/dev/null 2>&1; then
    echo "build.sh: no rustup $target target; using Debian's $(/usr/bin/rustc --version) and building std from source" >&2
    # -Zbuild-std is unstable; RUSTC_BOOTSTRAP lets the stable Debian toolchain use it. Since
    # std is compiled here anyway, it is compiled for size, and panics abort on the spot
    # without formatting a message nobody would see (a trap reaches JavaScript either way).
    PATH="/usr/bin:$PATH" \
        RUSTC=/usr/bin/rustc \
        RUSTDOC=/usr/bin/rustdoc \
        RUSTC_BOOTSTRAP=1 \
        RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort" \
        CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld \
        /usr/bin/cargo "${cargo_args[@]}" -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size
else
    cat >&2 <<EOF
build.sh: no toolchain for $target found. Either
  rustup target add $target
or (Debian 12)
  apt-get install -y --no-install-recommends rustc-web cargo-web rust-web-src lld
EOF
    exit 1
fi

mkdir -p "$out_dir"
cp "$target_dir/$target/release/hcloud_wasm_demo.wasm" "$out_dir/hcloud.wasm"

# wasm-opt (binaryen) shrinks the module further when it is around; it is optional.
if command -v wasm-opt >/dev/null 2>&1; then
    # The features rustc enables by default for this target; the stripped module no longer
    # lists them for wasm-opt to detect.
    wasm-opt -Oz --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
        --enable-nontrapping-float-to-int --enable-multivalue --enable-reference-types \
        "$out_dir/hcloud.wasm" -o "$out_dir/hcloud.opt.wasm"
    mv "$out_dir/hcloud.opt.wasm" "$out_dir/hcloud.wasm"
fi

bytes=$(wc -c <"$out_dir/hcloud.wasm")
glue=$(wc -c <"$here/js/hcloud.mjs")
total=$((bytes + glue))
echo "build.sh: pkg/hcloud.wasm is $bytes bytes, its JS glue js/hcloud.mjs $glue bytes: $total bytes in all ($((total / 1000)) kB)"
if [ -n "${WASM_MAX_BYTES:-}" ]; then
    if [ "$total" -gt "$WASM_MAX_BYTES" ]; then
        echo "build.sh: FAIL: $total bytes exceed the limit of $WASM_MAX_BYTES" >&2
        command -v wasm-opt >/dev/null 2>&1 || echo "build.sh: wasm-opt is missing (apt-get install binaryen)" >&2
        exit 1
    fi
    echo "build.sh: within the limit of $WASM_MAX_BYTES bytes"
fi
