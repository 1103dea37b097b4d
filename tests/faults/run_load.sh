#!/usr/bin/env bash
# The fault scenarios under load (tests/faults/load.py) against the built
# library: `make test` runs the short form (about a minute), `make soak`
# (SOAK=1) the long one. Builds the load driver, reuses or builds the
# interop Collector, and ends with "load: N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
work=$(mktemp -d /tmp/otel-load.XXXXXX)
trap 'rm -rf "$work"' EXIT
lib=$(find "$build" -maxdepth 1 -name 'libotel_core.so*' | sort | head -n1)
if [ -z "$lib" ]; then echo "load: libotel_core not built under $build"; echo "load: 0 passed, 1 failed"; exit 1; fi
if ! ${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -I"$root/include" -o "$work/load_driver" \
        "$root/tests/faults/load_driver.c" -L"$build" -lotel_core -lpthread -Wl,-rpath,"$build"; then
    echo "load: the driver does not build"; echo "load: 0 passed, 1 failed"; exit 1
fi
py=${OTEL_VENV:-$root/.venv}/bin/python
[ -x "$py" ] || py=python3
collector=()
bin=${OTEL_COLLECTOR_BIN:-}  # scripts/run-tests.sh builds it once for every suite
if [ -z "$bin" ]; then
    bin=$(BUILD_DIR="$build" "$root/tests/interop/collector/build.sh" 2>"$work/collector.log" | tail -n1) ||
        { tail -n 3 "$work/collector.log"; bin=""; }
fi
[ -n "$bin" ] && [ -x "$bin" ] && collector=(--collector "$bin")
soak=()
[ "${SOAK:-0}" = 1 ] && soak=(--soak)
"$py" "$root/tests/faults/load.py" "$work/load_driver" "${collector[@]}" "${soak[@]}"
