#!/usr/bin/env bash
# `make test`: every complete code block of README.md and docs/*.md is run
# and checked (tests/docs/run_docs.py; the convention for marking a block
# as a fragment is in docs/CONTRIBUTING.md). This prepares what the blocks
# need: BUILD_DIR installed into a scratch prefix (for pkg-config and
# find_package), the Python binding built against BUILD_DIR into
# BUILD_DIR/python-site (scripts/polyglot-env.sh), and the real Collector
# (tests/interop/collector/build.sh; without Go the spans are checked
# through the file exporter and a SKIP line says so).
# Ends with "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
fail() { echo "docs: $1"; echo "0 passed, 1 failed"; exit 1; }
[ -e "$build/libotel_core.so.1" ] || fail "$build/libotel_core.so.1 was not built"

work=$(mktemp -d /tmp/otel-docs-run.XXXXXX)
# cmake --install rewrites BUILD/install_manifest.txt, the record of the
# user's own `make install` that `make uninstall` reads: put it back after.
[ -e "$build/install_manifest.txt" ] && cp -p "$build/install_manifest.txt" "$work/manifest.saved"
trap 'rm -f "$build/install_manifest.txt"; [ -e "$work/manifest.saved" ] && cp -p "$work/manifest.saved" "$build/install_manifest.txt"; rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >"$work/install.log" 2>&1 ||
    { cat "$work/install.log"; fail "cmake --install into a scratch prefix failed"; }

# the Python binding built against this build, outside the (maybe shared) venv
. "$root/scripts/polyglot-env.sh"
site=$polyglot_site
[ -e "$site/.built" ] || fail "building the Python binding into $site failed"
py=$venv/bin/python
"$py" -c 'import opentelemetry.trace' 2>/dev/null || "$py" -m pip install -q 'opentelemetry-api>=1.20' ||
    fail "pip install opentelemetry-api"

collector=${OTEL_COLLECTOR_BIN:-}
if [ -z "$collector" ]; then
    collector=$("$root/tests/interop/collector/build.sh" 2>"$work/collector-build.log" | tail -n1)
    rc=${PIPESTATUS[0]}
    if [ "$rc" -eq 3 ]; then
        echo "SKIP docs: $(tail -n1 "$work/collector-build.log")"
        collector=""
    elif [ "$rc" -ne 0 ]; then
        cat "$work/collector-build.log"; fail "the Collector did not build"
    fi
fi

docs=("$root/README.md" "$root"/docs/*.md)
"$py" "$root/tests/docs/run_docs.py" --build "$build" --prefix "$work/prefix" --python "$py" \
    --pysite "$site" ${collector:+--collector "$collector"} "${docs[@]}"
