#!/usr/bin/env bash
# Installs what the build and the tests need on Debian 12, and nothing when it
# is all there already. Safe to run again; never prompts.
set -euo pipefail
packages=(build-essential cmake pkg-config protobuf-c-compiler libprotobuf-c-dev
          libcurl4-openssl-dev zlib1g-dev check clang libclang-rt-14-dev libclang-dev
          abigail-tools python3-venv python3-dev openssl
          swig lua5.4 liblua5.4-dev lua-busted lua-dkjson ruby ruby-dev valgrind)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
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
