# The cffi extension needs setup() (cffi_modules); metadata is in pyproject.toml.
from setuptools import setup

setup(
    package_dir={"": "bindings/python"},
    packages=["otel_core"],
    cffi_modules=["bindings/python/otel_core/_build.py:ffibuilder"],
    # beside, not inside, CMake's build/ tree
    options={"build": {"build_base": "build/python"}},
)
