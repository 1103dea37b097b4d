# The cffi extension needs setup() (cffi_modules); metadata is in pyproject.toml.
import os

from setuptools import setup

setup(
    package_dir={"": "bindings/python"},
    packages=["otel_core"],
    cffi_modules=["bindings/python/otel_core/_build.py:ffibuilder"],
    # the intermediate files go under the CMake build dir the library came
    # from (tests/python/run.sh sets it), by default build/python
    options={"build": {"build_base": os.environ.get("OTEL_PY_BUILD_BASE", "build/python")}},
)
