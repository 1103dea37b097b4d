#!/usr/bin/env bash
# `make fuzz`: runs each target with libFuzzer for FUZZ_SECONDS (default 60)
# starting from its committed corpus; new inputs go to build-fuzz/corpus/<target>,
# crashes to build-fuzz/crashes/. FUZZ_TARGETS="fuzz_b3 fuzz_baggage" limits
# the run; FUZZ_MAX_LEN (default 16384, past the 8192-byte baggage limit)
# bounds an input. Exits non-zero if any target found a crash. Inputs worth keeping
# are merged into the committed corpus by hand (`<target> -merge=1`), so it
# stays small.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bins=$(FUZZ_ENGINE=libfuzzer "$here/build.sh" | tail -n1) || exit 1
work=$(dirname "$bins")
secs=${FUZZ_SECONDS:-60}
status=0
mkdir -p "$work/crashes"
for corpus in "$here"/corpus/*/; do
    name=$(basename "$corpus")
    if [ -n "${FUZZ_TARGETS:-}" ] && [[ " $FUZZ_TARGETS " != *" $name "* ]]; then continue; fi
    mkdir -p "$work/corpus/$name"
    echo "== $name (${secs}s)"
    if ! "$bins/$name" "$work/corpus/$name" "$corpus" -max_total_time="$secs" -max_len="${FUZZ_MAX_LEN:-16384}" \
            -timeout=10 -rss_limit_mb=1024 -artifact_prefix="$work/crashes/$name-" \
            -print_final_stats=1 2>&1 | tail -n 4; then
        status=1
    fi
done
ls "$work/crashes" | grep -q . && { echo "crashes:"; ls "$work/crashes"; status=1; }
exit $status
