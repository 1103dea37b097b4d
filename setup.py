# The cffi extension needs setup() (cffi_modules); metadata is in pyproject.toml.
# Beside it, on CPython, a small C extension for the span hot path (ADR 0005),
# linked against the same shared libotel_core.so.1 as the cffi module.
import importlib.util
import os
import platform

from setuptools import Extension, setup

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "_otel_build", os.path.join(HERE, "bindings/python/otel_core/_build.py"))
_build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_build)  # finds (or builds) the library, as for cffi

ext_modules = []
if platform.python_implementation() == "CPython":
    ext_modules.append(Extension(
        "otel_core._speedups",
        ["bindings/python/otel_core/_speedups.c"],  # relative, as setuptools wants
        include_dirs=[str(_build._includedir(_build.libdir))],
        library_dirs=[str(_build.libdir)],
        libraries=["otel_core"],
        extra_compile_args=["-O2", "-std=c11", "-Wall", "-Wextra", "-Wno-missing-field-initializers"],
        extra_link_args=["-Wl,-rpath," + str(_build.libdir)],
    ))

setup(
    package_dir={"": "bindings/python"},
    packages=["otel_core"],
    cffi_modules=["bindings/python/otel_core/_build.py:ffibuilder"],
    ext_modules=ext_modules,
    exclude_package_data={"otel_core": ["*.c"]},
    # the intermediate files go under the CMake build dir the library came
    # from (tests/python/run.sh sets it), by default build/python
    options={"build": {"build_base": os.environ.get("OTEL_PY_BUILD_BASE", "build/python")}},
)
