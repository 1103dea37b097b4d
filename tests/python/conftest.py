import pytest

import otel_core


@pytest.fixture
def provider():
    """A provider whose ended spans are readable (simple processor, memory)."""
    tp = otel_core.TracerProvider(exporter="memory", traces_sampler="always_on")
    yield tp
    tp.shutdown(2000)
