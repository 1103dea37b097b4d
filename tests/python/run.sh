#!/usr/bin/env bash
# `make test`: builds and installs the Python binding (pip install .) into
# the project's virtual environment against the library in BUILD_DIR, with
# opentelemetry-api, the WSGI instrumentation and pytest from PyPI, then runs
# tests/python. Ends with "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
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
log=$(mktemp)
cd "$root/tests/python" && OTEL_CORE_LIBDIR=$build "$py" -m pytest -q -p no:cacheprovider . 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
p=$(grep -Eo '[0-9]+ passed' "$log" | tail -n1 | grep -Eo '[0-9]+')
f=$(grep -Eo '[0-9]+ (failed|error)' "$log" | awk '{s+=$1} END {print s+0}')
rm -f "$log"
[ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ] && f=1
echo "${p:-0} passed, ${f:-0} failed"
exit "$rc"
