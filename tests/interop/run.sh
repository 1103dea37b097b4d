#!/usr/bin/env bash
# OTLP interop and fault tests (make test runs this when it exists).
#
#   tests/interop/run.sh            # everything
#   BUILD_DIR=build-asan tests/interop/run.sh
#
# 1. builds tests/interop/otlp_driver against the built libotel_core;
# 2. makes a venv (.venv) with the h2 package for the gRPC fake server;
# 3. fault tests: tests/faults/run_faults.py against a scripted server;
# 4. interop tests: a real OpenTelemetry Collector (built by
#    tests/interop/collector/build.sh) receiving over http/protobuf,
#    http/json and grpc, plain/TLS/mTLS, gzip on and off; what it wrote is
#    compared field by field with what was sent (spans, metrics, logs).
# Prints "N passed, N failed" last and exits non-zero on any failure.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
work=$(mktemp -d /tmp/otlp-run.XXXXXX)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

fail() { echo "FAIL $1"; failed=$((failed + 1)); }

tally() { # adds the "N passed, N failed" of a sub-runner's last line
    local line=$1 p f
    p=$(sed -n 's/.* \([0-9][0-9]*\) passed.*/\1/p' <<<"$line")
    f=$(sed -n 's/.* \([0-9][0-9]*\) failed.*/\1/p' <<<"$line")
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-1}))
}

# ---- the driver ---------------------------------------------------------
lib=$(find "$build" -name 'libotel_core.so*' -print 2>/dev/null | sort | head -n1)
if [ -z "$lib" ]; then
    fail "interop: libotel_core.so not found under $build (build first)"
    echo "$passed passed, $failed failed"
    exit 1
fi
libdir=$(dirname "$lib")
driver=$work/otlp_driver
san=""
# a sanitizer build of the library needs a sanitizer build of the driver
if ldd "$lib" 2>/dev/null | grep -q libasan; then san="-fsanitize=address,undefined"; fi
if ! ${CC:-cc} $san -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -I"$root/include" \
        -o "$driver" "$root/tests/interop/otlp_driver.c" -L"$libdir" -lotel_core \
        -Wl,-rpath,"$libdir" ${OTLP_DRIVER_LDFLAGS:-}; then
    fail "interop: otlp_driver does not build"
    echo "$passed passed, $failed failed"
    exit 1
fi

# ---- python -------------------------------------------------------------
venv=${OTEL_VENV:-$root/.venv}
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" || { fail "interop: cannot create $venv"; }
fi
py=$venv/bin/python
if ! "$py" -c 'import h2' 2>/dev/null; then
    "$py" -m pip install -q 'h2>=4,<5' || fail "interop: pip install h2"
fi

# ---- fault tests ----------------------------------------------------------
out=$("$py" "$root/tests/faults/run_faults.py" "$driver" 2>&1 | tee /dev/stderr | tail -n1)
tally "$out"

# ---- interop with the real collector --------------------------------------
collector=${OTEL_COLLECTOR_BIN:-}
why=""
if [ -z "$collector" ]; then
    collector=$("$root/tests/interop/collector/build.sh" 2>"$work/collector.log" | tail -n1)
    case ${PIPESTATUS[0]} in
        0) ;;
        3) why=$(tail -n1 "$work/collector.log"); collector="" ;;
        *) cat "$work/collector.log" >&2; collector="" ;;
    esac
fi
if [ -n "$why" ]; then
    echo "SKIP interop: the Collector tests (every protocol, TLS, gzip, metrics, logs) did not run: $why"
elif [ -z "$collector" ] || [ ! -x "$collector" ]; then
    fail "interop: no OpenTelemetry Collector binary (tests/interop/collector/build.sh)"
else
    out=$("$py" "$root/tests/interop/interop.py" "$collector" "$driver" 2>&1 | tee /dev/stderr | tail -n1)
    tally "$out"
    mdriver=$work/metrics_driver
    if ${CC:-cc} $san -std=c11 -O1 -g -Wall -Wextra -I"$root/include" -o "$mdriver" \
            "$root/tests/interop/metrics_driver.c" -L"$libdir" -lotel_core -Wl,-rpath,"$libdir"; then
        out=$("$py" "$root/tests/interop/metrics_interop.py" "$collector" "$mdriver" 2>&1 | tee /dev/stderr | tail -n1)
        tally "$out"
    else
        fail "interop: metrics_driver does not build"
    fi
    ldriver=$work/logs_driver
    if ${CC:-cc} $san -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -I"$root/include" -o "$ldriver" \
            "$root/tests/interop/logs_driver.c" -L"$libdir" -lotel_core -Wl,-rpath,"$libdir"; then
        out=$("$py" "$root/tests/interop/logs_interop.py" "$collector" "$ldriver" 2>&1 | tee /dev/stderr | tail -n1)
        tally "$out"
    else
        fail "interop: logs_driver does not build"
    fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
