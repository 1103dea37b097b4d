#!/usr/bin/env bash
# `make test`: the unit and surface tests (ctest) in the normal build, the
# same under ASan + UBSan, the same plus a multi-threaded driver under
# ThreadSanitizer (the third build dir), then every other runner the tree has (interop
# with the real Collector, fault injection, fuzz corpora, bindings, the
# docs' code blocks, install). Ends with a summary: each suite with its
# counts, what was skipped and why, then one "N passed, N failed" line for
# the whole run, always the last. A suite is one run_ctest/run_script line
# below; a runner's "SKIP ..." lines are repeated in the summary.
set -uo pipefail
build=$1 asan=$2 tsan=${3:-}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
passed=0 failed=0
failures=() suites=() skips=()

record() { # name, passed before, failed before, log: one summary row, the SKIP lines
  local name=$1 p=$((passed - $2)) f=$((failed - $3)) line
  suites+=("$(printf '%-32s %5d passed, %d failed' "$name" "$p" "$f")")
  while IFS= read -r line; do skips+=("$line"); done < <(grep -E '^SKIP ' "$4" | sed 's/^SKIP //')
}

count_ctest() { # adds ctest's "x% tests passed, N tests failed out of M"
  local log=$1 total bad
  total=$(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' "$log" | tail -n1)
  bad=$(sed -n 's/.* \([0-9]*\) tests failed out of.*/\1/p' "$log" | tail -n1)
  passed=$((passed + ${total:-0} - ${bad:-0}))
  failed=$((failed + ${bad:-0}))
}

run_ctest() { # name build-dir [env...]
  local name=$1 dir=$2 log p0=$passed f0=$failed
  shift 2
  log=$(mktemp)
  echo "== $name"
  if ! env "$@" ctest --test-dir "$dir" --output-on-failure -j 2 2>&1 | tee "$log"; then
    failures+=("$name")
  fi
  grep -q "tests failed out of" "$log" || { failures+=("$name (no result)"); failed=$((failed + 1)); }
  count_ctest "$log"
  record "$name" "$p0" "$f0" "$log"
  rm -f "$log"
}

count_plain() { # adds a runner's closing "N passed, N failed" line
  local line p f
  line=$(grep -E '^[A-Za-z:]* ?[0-9]+ passed, [0-9]+ failed' "$1" | tail -n1)
  p=$(sed -n 's/.*\b\([0-9][0-9]*\) passed.*/\1/p' <<<"$line")
  f=$(sed -n 's/.*\b\([0-9][0-9]*\) failed.*/\1/p' <<<"$line")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
}

run_script() { # name script [env...]
  local name=$1 script=$2 log p0=$passed f0=$failed
  shift 2
  [ -x "$script" ] || return 0
  log=$(mktemp)
  echo "== $name"
  if ! env "$@" "$script" 2>&1 | tee "$log"; then
    failures+=("$name")
    grep -qE '[0-9]+ passed, [0-9]+ failed' "$log" || failed=$((failed + 1))
  fi
  count_plain "$log"
  record "$name" "$p0" "$f0" "$log"
  rm -f "$log"
}

# The real Collector, built once for every suite that uses it. Without a Go
# new enough (build.sh exits 3) those suites skip what needs it, loudly.
collector_log=$(mktemp)
echo "== OpenTelemetry Collector (tests/interop/collector)"
if [ -z "${OTEL_COLLECTOR_BIN:-}" ]; then
  bin=$(tests/interop/collector/build.sh 2>"$collector_log" | tail -n1)
  case ${PIPESTATUS[0]} in
    0) export OTEL_COLLECTOR_BIN=$bin; echo "collector: $bin" ;;
    3) skips+=("Collector: $(tail -n1 "$collector_log" | sed 's/^collector: //'): the suites that"
               "  need it skip those tests and say so below (README: What each command needs)")
       tail -n1 "$collector_log" ;;
    *) cat "$collector_log"; failures+=("Collector build"); failed=$((failed + 1)) ;;
  esac
fi
rm -f "$collector_log"

run_ctest "unit tests" "$build"
run_ctest "unit tests (ASan+UBSan)" "$asan" \
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# TSAN_OPTIONS (halt_on_error, exitcode 66) come from each test's ctest
# environment (tests/CMakeLists.txt), so a plain ctest there fails alike.
if [ -n "$tsan" ]; then
  run_ctest "unit tests and concurrency driver (TSan)" "$tsan"
fi
run_script "fuzz corpora" tests/fuzz/replay.sh
run_script "OTLP interop and faults" tests/interop/run.sh BUILD_DIR="$build"
run_script "fault scenarios under load" tests/faults/run_load.sh BUILD_DIR="$build"
run_script "Python binding" tests/python/run.sh BUILD_DIR="$build" ASAN_BUILD_DIR="$asan"
run_script "Lua binding" tests/lua/run.sh BUILD_DIR="$build"
run_script "Ruby binding" tests/ruby/run.sh BUILD_DIR="$build"
run_script "Rust binding" tests/rust/run.sh BUILD_DIR="$build"
run_script "Go binding" tests/go/run.sh BUILD_DIR="$build"
run_script "polyglot" tests/polyglot/run.sh BUILD_DIR="$build"
run_script "docs code blocks" tests/docs/run.sh BUILD_DIR="$build"
run_script "install and uninstall" tests/install/run.sh BUILD_DIR="$build"

echo
echo "== summary"
for line in "${suites[@]}"; do echo "  $line"; done
if [ ${#skips[@]} -gt 0 ]; then
  echo
  echo "SKIPPED, not tested on this machine:"
  for line in "${skips[@]}"; do echo "  $line"; done
fi
if [ ${#failures[@]} -gt 0 ]; then
  echo
  echo "failed: ${failures[*]}"
fi
echo
echo "$passed passed, $failed failed"
[ ${#failures[@]} -eq 0 ] && [ "$failed" -eq 0 ]
