#!/usr/bin/env bash
# Compares the built library with the committed ABI baseline. Additions are
# fine; a changed or removed symbol (abidiff exit bit 8, or bit 4 without only
# additions) fails. Regenerate the baseline with `make abi-baseline` when a
# release adds symbols on purpose.
# Only the types of the public headers count: internal structs (the
# handles' layouts) may change freely, which is what opaque handles are for.
abidiff=$1 baseline=$2 lib=$3 headers=$4
out=$("$abidiff" --no-added-syms --headers-dir1 "$headers" --headers-dir2 "$headers" "$baseline" "$lib")
rc=$?
echo "$out"
if (( rc & 8 )); then echo "incompatible ABI change"; exit 1; fi
if (( rc & 4 )); then echo "ABI change other than an addition"; exit 1; fi
if (( rc & 3 )); then echo "abidiff failed (rc=$rc)"; exit 1; fi
echo "ABI compatible with the baseline"
