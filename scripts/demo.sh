#!/usr/bin/env bash
# `make demo`: builds only what the demo needs (the library, the polyglot
# host and the Lua and Ruby modules; no unit tests, no benchmarks) in a
# build dir of its own, with its whole log in BUILD/demo-build.log (shown
# only when something fails), then runs the polyglot program (C hosting
# Python, Lua and Ruby, one trace, one export), or the C demo where the
# polyglot one cannot be built. Spans go to OTEL_EXPORTER_OTLP_ENDPOINT when
# set; otherwise the polyglot program writes OTLP/JSON lines to
# BUILD/polyglot-trace.jsonl and prints the tree, and the C demo prints the
# spans on the console.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-demo}
case "$build" in /*) ;; *) build=$root/$build ;; esac
mkdir -p "$build"
log=$build/demo-build.log
short=${build#"$root"/}
rel=${log#"$root"/}
: >"$log"

step() { # message, command...: runs the command with its output in the log
    local msg=$1
    shift
    echo "demo: $msg"
    echo "==== $msg: $*" >>"$log"
    if ! "$@" >>"$log" 2>&1; then
        echo "demo: failed; the last lines of $rel:" >&2
        tail -n 40 "$log" >&2
        echo "demo: the whole log is $rel" >&2
        exit 1
    fi
}

step "configuring $short (the build log goes to $rel)" \
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOTEL_BUILD_TESTS=OFF \
    -DOTEL_BUILD_BENCH=OFF ${CMAKE_FLAGS:-}
# the polyglot target exists only where python3-dev, liblua5.4-dev and
# ruby-dev were found; each module target only where its language was
targets=(demo)
for t in polyglot otel_core_c otel_core_native; do
    if grep -q "^$t:" <(cmake --build "$build" --target help 2>/dev/null | sed -n 's/^\.\.\. \([^ ]*\).*/\1:/p'); then
        targets+=("$t")
    fi
done
step "building ${targets[*]} (-j${JOBS:-2})" cmake --build "$build" -j "${JOBS:-2}" --target "${targets[@]}"

if [ -x "$build/examples/polyglot" ]; then
    # shellcheck source=polyglot-env.sh
    step "building the Python binding into $short/python-site" . "$root/scripts/polyglot-env.sh"
    : "${OTEL_CORE_EXPORTER_FILE_PATH:=$build/polyglot-trace.jsonl}"
    export OTEL_CORE_EXPORTER_FILE_PATH
    [ -n "${OTEL_EXPORTER_OTLP_ENDPOINT:-}" ] || rm -f "$OTEL_CORE_EXPORTER_FILE_PATH"
    echo "demo: running examples/polyglot (C hosting Python, Lua and Ruby)"
    echo
    rc=0
    "$build/examples/polyglot" || rc=$?
    echo
    if [ -n "${OTEL_EXPORTER_OTLP_ENDPOINT:-}" ]; then
        echo "demo: spans sent to $OTEL_EXPORTER_OTLP_ENDPOINT (${OTEL_EXPORTER_OTLP_PROTOCOL:-http/protobuf})"
    else
        echo "demo: no collector (OTEL_EXPORTER_OTLP_ENDPOINT is not set): the spans went to"
        echo "      ${OTEL_CORE_EXPORTER_FILE_PATH#"$root"/} as OTLP/JSON, one line per export request"
    fi
    exit "$rc"
fi
echo "demo: examples/polyglot was not built (needs python3-dev, liblua5.4-dev, ruby-dev): running examples/demo"
echo
rc=0
"$build/examples/demo" || rc=$?
echo
if [ -z "${OTEL_EXPORTER_OTLP_ENDPOINT:-}" ] && [ -z "${OTEL_CORE_EXPORTER_FILE_PATH:-}" ]; then
    echo "demo: no collector (OTEL_EXPORTER_OTLP_ENDPOINT is not set): the spans were printed above"
fi
exit "$rc"
