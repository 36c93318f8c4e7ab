#!/usr/bin/env bash
# The clients' TLS choices beyond the default (rustls, covered by the workspace build):
# `native-tls` alone, both features (native TLS wins), and neither (http:// only). Each
# combination passes clippy with warnings as errors and the clients' unit tests, which check
# that an https:// request opens with a TLS handshake (or, without TLS, fails unsent).
# `native-tls` links the system's OpenSSL, so its headers and pkg-config are installed first.
#
# Usage: bash .ci/tls.sh   (as root on Debian when libssl-dev or pkg-config is missing)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash .ci/apt-install.sh libssl-dev pkg-config

clients=(-p hcloud-blocking -p hcloud-async)
for tls in native-tls rustls,native-tls ""; do
    features=""
    for feature in ${tls//,/ }; do features+="hcloud-blocking/$feature,hcloud-async/$feature,"; done
    printf '\n== TLS features: %s\n' "${tls:-none}"
    cargo clippy "${clients[@]}" --no-default-features --features "$features" --all-targets -- -D warnings
    cargo test "${clients[@]}" --no-default-features --features "$features" --lib
done

printf '\n== the native-tls build a user gets\n'
cargo build "${clients[@]}" --no-default-features --features hcloud-blocking/native-tls,hcloud-async/native-tls
