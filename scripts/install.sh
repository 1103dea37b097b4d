#!/usr/bin/env bash
# `make install`: cmake --install of BUILD into PREFIX (DESTDIR staging
# honoured), then makes the library findable at run time: ldconfig when
# PREFIX's library folder is one the dynamic linker searches (as root;
# otherwise the command to run is printed), else the LD_LIBRARY_PATH to set.
# Besides cmake's BUILD/install_manifest.txt (every file written) it keeps
# BUILD/install_dirs.txt, the folders this install created, so that
# scripts/uninstall.sh removes exactly what was installed. Both name paths
# without DESTDIR, which `make uninstall` takes again, as `make install` did.
set -euo pipefail
build=${1:?usage: install.sh BUILD PREFIX}
prefix=${2:?usage: install.sh BUILD PREFIX}
destdir=${DESTDIR:-}
case "$prefix" in /*) ;; *) echo "install: PREFIX must be an absolute path, got $prefix" >&2; exit 1 ;; esac

# A dry run into a scratch DESTDIR lists the files, hence the folders; the
# ones missing now are the ones this install creates.
scratch=$(mktemp -d /tmp/otel-install.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
DESTDIR=$scratch cmake --install "$build" --prefix "$prefix" >/dev/null
new_dirs=$(cd "$scratch" && find . -mindepth 1 -type d | sed 's|^\.||' | sort |
           while read -r d; do [ -e "$destdir$d" ] || echo "$d"; done)

DESTDIR=$destdir cmake --install "$build" --prefix "$prefix" | grep -v '^-- Up-to-date' || true
printf "%s\n" "$new_dirs" >"$build/install_dirs.txt"
echo "install: $(wc -l <"$build/install_manifest.txt") files; \`make uninstall\` removes them"

lib=$(grep '/libotel_core\.so\.1$' "$build/install_manifest.txt" | head -n1)
libdir=$(dirname "${lib#"$destdir"}")
if [ -n "$destdir" ]; then
    echo "install: staged in $destdir; on the target, run ldconfig if $libdir is a system library folder"
    exit 0
fi
ldconfig=${LDCONFIG:-$(command -v ldconfig || echo /sbin/ldconfig)}   # LDCONFIG: for tests
searched=no
while read -r d; do
    [ "$(realpath -m "$d")" = "$(realpath -m "$libdir")" ] && searched=yes
done < <("$ldconfig" -v -N 2>/dev/null | sed -n 's|^\(/[^:]*\):.*|\1|p')
if [ "$searched" = yes ]; then
    if [ "$(id -u)" -eq 0 ]; then
        "$ldconfig" && echo "install: ran ldconfig ($libdir is searched by the dynamic linker)"
    else
        echo "install: now run: sudo ldconfig"
    fi
else
    echo "install: $libdir is not searched by the dynamic linker; run programs with"
    echo "    export LD_LIBRARY_PATH=$libdir\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
fi
