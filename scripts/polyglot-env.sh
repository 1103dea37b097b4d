# Sourced by scripts/demo.sh and tests/polyglot/run.sh with $root and
# $build set: builds the Python package against $build into
# $build/python-site (not into the venv, which other builds may share;
# rebuilt when the binding or the library changed), with cffi from the
# project's venv, then exports what examples/polyglot needs to find each
# language's binding.
venv=${OTEL_VENV:-$root/.venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c 'import cffi' 2>/dev/null || "$venv/bin/python" -m pip install -q cffi >&2
polyglot_site=$build/python-site
if [ ! -e "$polyglot_site/.built" ] || [ -n "$(find "$root/bindings/python" "$root/setup.py" \
        "$build/libotel_core.so.1" -newer "$polyglot_site/.built" -print -quit)" ]; then
    rm -rf "$polyglot_site"
    OTEL_CORE_LIBDIR=$build OTEL_PY_BUILD_BASE=$build/python \
        "$venv/bin/python" -m pip install -q --no-deps --target "$polyglot_site" "$root" >&2 &&
        touch "$polyglot_site/.built"
fi
POLYGLOT_PYTHONPATH=$polyglot_site:$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
export POLYGLOT_PYTHONPATH
export POLYGLOT_LUA_CPATH="$build/lua/?.so"
export POLYGLOT_LUA_PATH="$root/bindings/lua/?.lua"
export POLYGLOT_RUBYLIB="$build/ruby:$root/bindings/ruby/lib"
