#!/usr/bin/env bash
# `make test`: builds the Rust binding (bindings/rust, a Cargo workspace)
# against the library in BUILD_DIR and runs its tests (cargo test: the sys
# crate's symbol coverage, the opentelemetry/tracing drop-in, tokio, the
# axum+reqwest services exporting to the real Collector of
# tests/interop/collector, C interop, propagation), runs the suites that
# cross the FFI most under valgrind, then runs every FAQ example
# (bindings/rust/examples). Artefacts go to BUILD_DIR/cargo (cached with the
# build). Needs cargo >= 1.75 (the machine's rustup toolchain, or Debian's
# if recent enough), libclang-dev and valgrind (scripts/install-deps.sh).
# With CI=true warnings are errors. Ends with "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
abs() { case "$1" in /*) echo "$1" ;; *) echo "$root/$1" ;; esac; }
build=$(abs "${BUILD_DIR:-build}")
fail() { echo "rust: $1"; echo "0 passed, 1 failed"; exit 1; }

export PATH="$PATH:$HOME/.cargo/bin"
if ! command -v cargo >/dev/null; then
    echo "rust: no cargo; installing Debian's"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends cargo >/dev/null 2>&1 ||
        fail "cargo is missing and apt-get could not install it"
fi
ver=$(cargo --version | awk '{print $2}')
[ "$(printf '%s\n1.75.0\n' "$ver" | sort -V | head -n1)" = "1.75.0" ] || fail "cargo $ver is older than 1.75"
[ -f "$build/otel_core-uninstalled.pc" ] || fail "$build has no otel_core-uninstalled.pc (run make build)"
collector=${OTEL_COLLECTOR_BIN:-$(BUILD_DIR=$build "$root/tests/interop/collector/build.sh" | tail -n1)}
[ -x "$collector" ] || fail "the Collector did not build"

export OTEL_CORE_BUILD_DIR=$build CARGO_TARGET_DIR=$build/cargo OTEL_COLLECTOR_BIN=$collector
# Keep the tests' own exporters in charge: nothing from the caller's shell.
unset OTEL_TRACES_EXPORTER OTEL_EXPORTER_OTLP_ENDPOINT OTEL_PROPAGATORS OTEL_SDK_DISABLED
if [ "${CI:-}" = true ]; then
    # RUSTFLAGS replaces .cargo/config.toml's flags: repeat its rpath.
    export RUSTFLAGS="-D warnings -C link-arg=-Wl,-rpath,\$ORIGIN/../../..:\$ORIGIN/../.."
fi
cd "$root/bindings/rust" || fail "no bindings/rust"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "== rust: cargo test"
cargo test -j 2 --workspace 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
passed=$(sed -n 's/^test result: .*[^0-9]\([0-9][0-9]*\) passed; \([0-9][0-9]*\) failed.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
failed=$(sed -n 's/^test result: .*passed; \([0-9][0-9]*\) failed.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
[ "$rc" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1

# Memory errors across the FFI (invalid reads, double frees, definite
# leaks) under valgrind, for the suites that cross it most.
echo "== rust: valgrind"
bins=$(cargo test -q -j 2 -p otel-core --no-run --message-format=json 2>/dev/null |
       sed -n 's/.*"executable":"\([^"]*\/\(api_trace\|propagation\|custom_components\|metrics_api\|c_child\)-[0-9a-f]*\)".*/\1/p')
[ -n "$bins" ] || { echo "valgrind: no test binaries found"; failed=$((failed + 1)); }
for b in $bins; do
    name=$(basename "$b" | sed 's/-[0-9a-f]*$//')
    if valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
            "$b" --test-threads=1 -q >"$log.vg" 2>&1; then
        echo "valgrind $name ... ok"
        passed=$((passed + 1))
    else
        echo "valgrind $name ... FAILED"; grep -E '==[0-9]+==' "$log.vg" | head -n 40
        failed=$((failed + 1))
    fi
done
rm -f "$log.vg"

# The FAQ examples: each run to completion, spans printed by the console
# exporter.
echo "== rust: examples"
cargo build -q -j 2 -p otel-core-examples --examples || failed=$((failed + 1))
examples=$(sed -n 's/^name = "\(q[0-9][^"]*\|quickstart\)"$/\1/p' examples/Cargo.toml)
for ex in $examples; do
    if OTEL_TRACES_EXPORTER=console OTEL_METRICS_EXPORTER=none timeout 60 \
            "$CARGO_TARGET_DIR/debug/examples/$ex" >"$log.ex" 2>&1; then
        echo "example $ex ... ok"
        passed=$((passed + 1))
    else
        echo "example $ex ... FAILED"; tail -n 20 "$log.ex"
        failed=$((failed + 1))
    fi
done
rm -f "$log.ex"
echo "$passed passed, $failed failed"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ]
