#!/usr/bin/env bash
# Compares the built library with the committed ABI baseline.
# 1. abidiff must be there (abigail-tools, installed by install-deps.sh):
#    without it the check fails, it is never skipped.
# 2. Every symbol of the version script must be in the baseline: a symbol
#    the baseline lacks is compared with nothing, so any change to it would
#    pass. Regenerate with `make abi-baseline` when a release adds symbols.
# 3. abidiff: additions are fine; a changed or removed symbol (exit bit 8,
#    or bit 4 without only additions) fails.
# Internal structs (the handles' layouts) may change freely, which is what
# opaque handles are for: private-types.abignore suppresses types defined
# outside the public and the system headers.
# Enum values are checked by check_enums.py (the API passes them as int).
# Usage: check_abidiff.sh ABIDIFF BASELINE LIB MAP
abidiff=$1 baseline=$2 lib=$3 map=$4
suppressions=$(dirname "$0")/private-types.abignore
if ! command -v "$abidiff" >/dev/null 2>&1; then
  echo "FAIL: abidiff not found ('$abidiff'): install abigail-tools (scripts/install-deps.sh does)"
  exit 1
fi
if [ ! -s "$baseline" ]; then
  echo "FAIL: no ABI baseline at $baseline (make abi-baseline)"
  exit 1
fi
mapped=$(sed -n 's/^[[:space:]]*\(otel_[a-z0-9_]*\);.*/\1/p' "$map" | sort -u)
known=$(sed -n "s/.*<elf-symbol name='\(otel_[a-z0-9_]*\)'.*/\1/p" "$baseline" | sort -u)
missing=$(comm -23 <(echo "$mapped") <(echo "$known"))
if [ -n "$mapped" ] && [ -n "$missing" ]; then
  echo "FAIL: in $(basename "$map") but not in the baseline (unchecked; make abi-baseline):"
  echo "$missing" | sed 's/^/  /'
  exit 1
fi
[ -n "$mapped" ] || { echo "FAIL: no symbols read from $map"; exit 1; }
out=$("$abidiff" --no-added-syms --suppressions "$suppressions" "$baseline" "$lib")
rc=$?
echo "$out"
if (( rc & 8 )); then echo "FAIL: incompatible ABI change"; exit 1; fi
if (( rc & 4 )); then echo "FAIL: ABI change other than an addition"; exit 1; fi
if (( rc & 3 )); then echo "FAIL: abidiff failed (rc=$rc)"; exit 1; fi
echo "ABI compatible with the baseline ($(echo "$mapped" | wc -l) mapped symbols, all in it)"
