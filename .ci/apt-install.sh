#!/usr/bin/env bash
# Installs those of the named Debian packages that are missing, as root and without
# questions; does nothing when all are there.
#
# Usage: bash .ci/apt-install.sh PACKAGE...
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

missing=()
for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    timeout 600 apt-get update -qq
    timeout 1200 apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
    echo "all present: $*"
fi
