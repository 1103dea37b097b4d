#!/usr/bin/env bash
# Installs what the build and the tests need on Debian 12, and nothing when it
# is all there already. Safe to run again; never prompts. (PyPI packages go
# into .venv from the test scripts; Go for the test Collector: see below.)
set -euo pipefail
packages=(build-essential cmake pkg-config protobuf-c-compiler libprotobuf-c-dev
          libcurl4-openssl-dev zlib1g-dev check clang libclang-rt-14-dev libclang-dev
          abigail-tools python3-venv python3-dev openssl
          swig lua5.4 liblua5.4-dev lua-busted lua-dkjson ruby ruby-dev valgrind jq)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Not from Debian: the test Collector (tests/interop/collector) needs the Go
# of its go.mod, newer than Debian 12's golang-go (1.19). Without it `make
# test` skips the tests that need the Collector and lists them in its summary.
go_need=$(sed -n 's/^go \([0-9.]*\).*/\1/p' "$(dirname "$0")/../tests/interop/collector/go.mod")
go_bin=$(command -v go || { [ -x /usr/local/go/bin/go ] && echo /usr/local/go/bin/go; } || true)
go_have=$([ -n "$go_bin" ] && "$go_bin" env GOVERSION 2>/dev/null | sed 's/^go//')
if [ -z "$go_have" ] || [ "$(printf '%s\n%s\n' "$go_need" "$go_have" | sort -V | head -n1)" != "$go_need" ]; then
  echo "install-deps: note: the test Collector needs Go >= $go_need (found: ${go_have:-none}; Debian 12 has 1.19);" \
       "without it make test skips the Collector tests and says so in its summary" >&2
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo for: ${missing[*]}" >&2; exit 1; }
  sudo="sudo -n"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
