#!/usr/bin/env bash
# `make test`: `make install` and `make uninstall` (scripts/install.sh,
# scripts/uninstall.sh) as the README's C quickstart uses them: into a
# fresh PREFIX (not one the dynamic linker searches, so it must say which
# LD_LIBRARY_PATH to set), staged with DESTDIR under /usr/local, and into a
# PREFIX that a stand-in ldconfig reports as searched (install and
# uninstall must run it as root, or say to).
# Each time the quickstart (app.c, and its CMakeLists.txt, taken from
# README.md) is built with pkg-config and with find_package, run with the
# console exporter (its spans must be printed), and after uninstalling
# nothing may be left. Ends with "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
passed=0 failed=0
ok() { echo "PASS $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/    /' <<<"$2"; failed=$((failed + 1)); }
check() { # name, then a command that must succeed (its output shown on failure)
    local name=$1 out
    shift
    if out=$("$@" 2>&1); then ok "$name"; else bad "$name" "$out"; fi
}
[ -e "$build/libotel_core.so.1" ] || { bad "install: $build/libotel_core.so.1 was not built"; echo "0 passed, 1 failed"; exit 1; }
work=$(mktemp -d /tmp/otel-install-test.XXXXXX)
# The build's manifest belongs to the user's own `make install`: it is put
# back as it was at the end.
saved=$work/saved
mkdir -p "$saved"
for f in install_manifest.txt install_dirs.txt; do [ -e "$build/$f" ] && cp -p "$build/$f" "$saved/"; done
restore() { for f in install_manifest.txt install_dirs.txt; do
    rm -f "$build/$f"; if [ -e "$saved/$f" ]; then cp -p "$saved/$f" "$build/"; fi; done; }
trap 'restore; rm -rf "$work"' EXIT

# the quickstart as the README has it: app.c and the CMakeLists.txt that builds it
spans=$(python3 - "$root" "$work/src" <<'EOF'
import pathlib, sys
sys.path.insert(0, sys.argv[1] + "/tests/docs")
import snippets
cm = next(s for s in snippets.parse(sys.argv[1] + "/README.md")
          if s.lang == "cmake" and not s.fragment and s.app_c)
out = pathlib.Path(sys.argv[2])
out.mkdir()
(out / "app.c").write_text(cm.app_c.code)
(out / "CMakeLists.txt").write_text(cm.code)
print("\n".join(cm.spans))
EOF
) && [ -n "$spans" ] || { bad "install: no C quickstart with a CMakeLists.txt in README.md"; echo "$passed passed, $failed failed"; exit 1; }

quickstart() { # label, prefix as seen by the build (DESTDIR included), libdir
    local label=$1 p=$2 libdir=$3 out name
    check "$label: cc app.c \$(pkg-config --cflags --libs otel_core)" bash -c \
        "cd '$work/src' && cc -Wall -Wextra -Werror -o app-pc app.c \$(PKG_CONFIG_PATH='$libdir/pkgconfig' pkg-config --cflags --libs otel_core)"
    check "$label: CMake find_package(otel_core)" bash -c \
        "cd '$work/src' && cmake -S . -B out -DCMAKE_PREFIX_PATH='$p' >/dev/null && cmake --build out >/dev/null"
    for exe in app-pc out/app; do
        if out=$(cd "$work/src" && LD_LIBRARY_PATH=$libdir OTEL_TRACES_EXPORTER=console timeout 30 "./$exe" 2>&1); then
            local missing=""
            while read -r name; do
                grep -q "^span $name " <<<"$out" || missing="$missing '$name'"
            done <<<"$spans"
            if [ -z "$missing" ]; then ok "$label: $exe prints its spans with OTEL_TRACES_EXPORTER=console"
            else bad "$label: $exe did not print the spans$missing" "$out"; fi
        else
            bad "$label: $exe failed" "$out"
        fi
    done
    rm -rf "$work/src/out" "$work/src/app-pc"
}

# 1. a fresh prefix the dynamic linker does not search
prefix=$work/prefix
if out=$("$root/scripts/install.sh" "$build" "$prefix" 2>&1); then
    ok "install into a fresh PREFIX"
    if grep -q "export LD_LIBRARY_PATH=$prefix/lib" <<<"$out"; then ok "install names the LD_LIBRARY_PATH to set"
    else bad "install did not say which LD_LIBRARY_PATH to set" "$out"; fi
    quickstart "PREFIX" "$prefix" "$prefix/lib"
    check "uninstall from PREFIX" "$root/scripts/uninstall.sh" "$build"
    if [ -e "$prefix" ]; then bad "uninstall left files behind" "$(find "$prefix")"
    else ok "uninstall left nothing behind (not even the folders install made)"; fi
else
    bad "install into a fresh PREFIX" "$out"
fi

# 2. staged: DESTDIR with the default /usr/local, beside a file that was there before
stage=$work/stage
mkdir -p "$stage/usr/local/lib"
echo keep >"$stage/usr/local/lib/other.txt"
if out=$(DESTDIR=$stage "$root/scripts/install.sh" "$build" /usr/local 2>&1); then
    ok "install with DESTDIR"
    if [ -e "$stage/usr/local/lib/libotel_core.so.1" ] && [ -e "$stage/usr/local/include/otel/otel.h" ] &&
       [ -e "$stage/usr/local/lib/pkgconfig/otel_core.pc" ]; then
        ok "DESTDIR holds the library, the headers and otel_core.pc"
    else
        bad "DESTDIR misses files" "$(find "$stage")"
    fi
    quickstart "DESTDIR" "$stage/usr/local" "$stage/usr/local/lib"
    check "uninstall from DESTDIR" env DESTDIR="$stage" "$root/scripts/uninstall.sh" "$build"
    left=$(cd "$stage" && find . -mindepth 1 | sort | tr '\n' ' ')
    if [ "$left" = "./usr ./usr/local ./usr/local/lib ./usr/local/lib/other.txt " ]; then
        ok "uninstall removed exactly what was installed (other.txt and the folders it was in stay)"
    else
        bad "after uninstall the stage holds: $left"
    fi
else
    bad "install with DESTDIR" "$out"
fi
# 3. a prefix "the dynamic linker searches": a stand-in ldconfig says so for
# -v -N and records its other calls (the real cache is never touched)
sys=$work/sys
fake=$work/ldconfig
cat >"$fake" <<EOF
#!/bin/sh
if [ "\$*" = "-v -N" ]; then echo "$sys/lib: (from the test)"; exit 0; fi
echo ran >>"$work/ldconfig.calls"
EOF
chmod +x "$fake"
if out=$(LDCONFIG=$fake "$root/scripts/install.sh" "$build" "$sys" 2>&1); then
    if [ "$(id -u)" -eq 0 ]; then
        if grep -q "ran ldconfig" <<<"$out" && [ "$(cat "$work/ldconfig.calls" 2>/dev/null)" = ran ]; then
            ok "install into a searched library folder runs ldconfig"
        else bad "install into a searched library folder did not run ldconfig" "$out"; fi
    elif grep -q "sudo ldconfig" <<<"$out"; then ok "install into a searched library folder says to run sudo ldconfig"
    else bad "install into a searched library folder did not mention ldconfig" "$out"; fi
    if out=$(LDCONFIG=$fake "$root/scripts/uninstall.sh" "$build" 2>&1) && [ ! -e "$sys" ]; then
        if [ "$(id -u)" -ne 0 ] || [ "$(grep -c ran "$work/ldconfig.calls")" = 2 ]; then
            ok "uninstall from it removes everything and refreshes ldconfig's cache"
        else bad "uninstall did not run ldconfig" "$out"; fi
    else
        bad "uninstall from a searched library folder" "$out"
    fi
else
    bad "install into a searched library folder" "$out"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
