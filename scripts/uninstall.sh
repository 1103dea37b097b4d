#!/usr/bin/env bash
# `make uninstall`: removes the files the last `make install` of BUILD wrote
# (BUILD/install_manifest.txt) and the folders it created
# (BUILD/install_dirs.txt) once they are empty, under DESTDIR when set (as
# it was for the install), then refreshes ldconfig's cache when the library
# was in a folder it searches.
set -euo pipefail
build=${1:?usage: uninstall.sh BUILD}
manifest=$build/install_manifest.txt
[ -f "$manifest" ] || { echo "uninstall: $manifest not found: nothing installed from $build"; exit 0; }
destdir=${DESTDIR:-}
n=0
while IFS= read -r f || [ -n "$f" ]; do   # cmake ends the last line without a newline
    [ -n "$f" ] || continue
    if [ -e "$destdir$f" ] || [ -L "$destdir$f" ]; then rm -f -- "$destdir$f"; n=$((n + 1)); fi
done <"$manifest"
if [ -f "$build/install_dirs.txt" ]; then
    sort -r "$build/install_dirs.txt" | while IFS= read -r d; do
        if [ -n "$d" ] && [ -d "$destdir$d" ]; then rmdir --ignore-fail-on-non-empty -- "$destdir$d"; fi
    done
fi
lib=$(grep '/libotel_core\.so\.1$' "$manifest" | head -n1 || true)
rm -f "$manifest" "$build/install_dirs.txt"
echo "uninstall: removed $n files"
ldconfig=${LDCONFIG:-$(command -v ldconfig || echo /sbin/ldconfig)}   # LDCONFIG: for tests
if [ -n "$lib" ] && [ -z "$destdir" ] && [ "$(id -u)" -eq 0 ] &&
   "$ldconfig" -v -N 2>/dev/null | grep -q "^$(dirname "$lib"):"; then
    "$ldconfig" && echo "uninstall: ran ldconfig"
fi
