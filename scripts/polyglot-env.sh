# Sourced by scripts/demo.sh and tests/polyglot/run.sh with $root and
# $build set: makes sure the Python package is installed in the project's
# venv (against $build), then exports what examples/polyglot needs to find
# each language's binding.
venv=${OTEL_VENV:-$root/.venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
if ! "$venv/bin/python" -c 'import otel_core' 2>/dev/null ||
   [ "$root/bindings/python/otel_core/__init__.py" -nt "$venv/.otel_core_installed" ]; then
    "$venv/bin/python" -m pip install -q cffi >&2
    OTEL_CORE_LIBDIR=$build "$venv/bin/python" -m pip install -q --force-reinstall --no-deps "$root" >&2
    touch "$venv/.otel_core_installed"
fi
POLYGLOT_PYTHONPATH=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
export POLYGLOT_PYTHONPATH
export POLYGLOT_LUA_CPATH="$build/lua/?.so"
export POLYGLOT_LUA_PATH="$root/bindings/lua/?.lua"
export POLYGLOT_RUBYLIB="$build/ruby:$root/bindings/ruby/lib"
