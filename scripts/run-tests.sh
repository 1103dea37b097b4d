#!/usr/bin/env bash
# `make test`: the unit and surface tests (ctest) in the normal build, the
# same under ASan + UBSan, then every other runner the tree has (interop
# with the real Collector, fault injection, fuzz corpora, bindings). Ends
# with one "N passed, N failed" line for the whole run.
set -uo pipefail
build=$1 asan=$2
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
passed=0 failed=0
failures=()

count_ctest() { # adds ctest's "x% tests passed, N tests failed out of M"
  local log=$1 total bad
  total=$(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' "$log" | tail -n1)
  bad=$(sed -n 's/.* \([0-9]*\) tests failed out of.*/\1/p' "$log" | tail -n1)
  passed=$((passed + ${total:-0} - ${bad:-0}))
  failed=$((failed + ${bad:-0}))
}

run_ctest() { # name build-dir [env...]
  local name=$1 dir=$2 log
  shift 2
  log=$(mktemp)
  echo "== $name"
  if ! env "$@" ctest --test-dir "$dir" --output-on-failure -j 2 2>&1 | tee "$log"; then
    failures+=("$name")
  fi
  grep -q "tests failed out of" "$log" || { failures+=("$name (no result)"); failed=$((failed + 1)); }
  count_ctest "$log"
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
  local name=$1 script=$2 log
  shift 2
  [ -x "$script" ] || return 0
  log=$(mktemp)
  echo "== $name"
  if ! env "$@" "$script" 2>&1 | tee "$log"; then
    failures+=("$name")
    grep -qE '[0-9]+ passed, [0-9]+ failed' "$log" || failed=$((failed + 1))
  fi
  count_plain "$log"
  rm -f "$log"
}

run_ctest "unit tests" "$build"
run_ctest "unit tests (ASan+UBSan)" "$asan" \
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_script "fuzz corpora" tests/fuzz/replay.sh
run_script "OTLP interop and faults" tests/interop/run.sh BUILD_DIR="$build"
run_script "Python binding" tests/python/run.sh BUILD_DIR="$build" ASAN_BUILD_DIR="$asan"
run_script "Lua binding" tests/lua/run.sh BUILD_DIR="$build"
run_script "Ruby binding" tests/ruby/run.sh BUILD_DIR="$build"
run_script "Rust binding" tests/rust/run.sh BUILD_DIR="$build"
run_script "polyglot" tests/polyglot/run.sh BUILD_DIR="$build"

echo
if [ ${#failures[@]} -gt 0 ]; then
  echo "failed: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
[ ${#failures[@]} -eq 0 ] && [ "$failed" -eq 0 ]
