#!/usr/bin/env bash
# `make test`: builds and installs the Python binding (pip install .) into
# the project's virtual environment against the library in BUILD_DIR, with
# opentelemetry-api, the WSGI instrumentation and pytest from PyPI, then runs
# tests/python, then again with the C hot path off (OTEL_CORE_PY_SPEEDUPS=off:
# cffi only). With ASAN_BUILD_DIR (a -DOTEL_SANITIZE=ON build) the suite
# runs once more against that library, the ASan runtime preloaded (leak
# checks off: CPython keeps memory at exit by design). Ends with
# "N passed, N failed" over all runs.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
abs() { case "$1" in /*) echo "$1" ;; *) echo "$root/$1" ;; esac; }
build=$(abs "${BUILD_DIR:-build}")
asan=${ASAN_BUILD_DIR:+$(abs "$ASAN_BUILD_DIR")}
venv=${OTEL_VENV:-$root/.venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv" || { echo "0 passed, 1 failed"; exit 1; }
py=$venv/bin/python
if ! "$py" -m pip install -q pytest cffi 'opentelemetry-api>=1.20' 'opentelemetry-sdk>=1.20' \
        opentelemetry-instrumentation-wsgi opentelemetry-exporter-otlp-proto-http; then
    echo "python: pip install of the test dependencies failed"; echo "0 passed, 1 failed"; exit 1
fi
if ! OTEL_CORE_LIBDIR=$build OTEL_PY_BUILD_BASE=$build/python "$py" -m pip install -q --force-reinstall --no-deps "$root"; then
    echo "python: building the otel_core package failed"; echo "0 passed, 1 failed"; exit 1
fi

passed=0 failed=0 rc=0
run_pytest() { # label, then env assignments for pytest
    local label=$1 log p f r summary
    shift
    log=$(mktemp)
    echo "== python: $label"
    (cd "$root/tests/python" && env "$@" "$py" -m pytest -q -rs -p no:cacheprovider . 2>&1) | tee "$log"
    r=${PIPESTATUS[0]}
    # a skipped test is said in make test's summary (-rs gives the reasons)
    grep '^SKIPPED' "$log" | sed "s|^SKIPPED|SKIP python ($label):|"
    summary=$(grep -E '[0-9]+ (passed|failed|errors?)\b.* in [0-9.]+s' "$log" | tail -n1)
    p=$(grep -Eo '[0-9]+ passed' <<<"$summary" | grep -Eo '[0-9]+')
    f=$(grep -Eo '[0-9]+ (failed|errors?)' <<<"$summary" | awk '{s+=$1} END {print s+0}')
    rm -f "$log"
    [ "$r" -ne 0 ] && [ "${f:-0}" -eq 0 ] && f=1
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    [ "$r" -ne 0 ] && rc=$r
}

run_pytest "libotel_core in $build" OTEL_CORE_LIBDIR="$build"
# the pure-cffi path (PyPy's, and CPython's when the C hot path is off)
run_pytest "libotel_core in $build, OTEL_CORE_PY_SPEEDUPS=off" OTEL_CORE_LIBDIR="$build" \
    OTEL_CORE_PY_SPEEDUPS=off

if [ -n "$asan" ] && [ -e "$asan/libotel_core.so.1" ]; then
    cc=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$asan/CMakeCache.txt" 2>/dev/null)
    rt=$("${cc:-cc}" -print-file-name=libasan.so 2>/dev/null)
    [ -e "$rt" ] || rt=$("${cc:-cc}" -print-file-name=libclang_rt.asan-x86_64.so 2>/dev/null)
    site=$(mktemp -d /tmp/otel-py-asan.XXXXXX)
    if [ -e "$rt" ] && OTEL_CORE_LIBDIR=$asan OTEL_PY_BUILD_BASE=$asan/python \
            "$py" -m pip install -q --no-deps --target "$site" "$root"; then
        run_pytest "libotel_core in $asan (ASan+UBSan)" PYTHONPATH="$site" OTEL_CORE_LIBDIR="$asan" \
            LD_PRELOAD="$rt" ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 OTEL_TEST_ASAN=1 \
            UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    else
        echo "python: the ASan run could not be set up (runtime: ${rt:-none})"
        failed=$((failed + 1)) rc=1
    fi
    rm -rf "$site"
fi

echo "$passed passed, $failed failed"
exit "$rc"
