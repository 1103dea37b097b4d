"""otel_core.options(): the core's option table, and the keywords the
providers accept are exactly its names."""
import pytest

import otel_core


def test_options_lists_the_table_with_types_and_defaults():
    opts = {o.name: o for o in otel_core.options()}
    assert len(opts) > 40
    assert opts["OTEL_BSP_SCHEDULE_DELAY"].type == "duration"
    assert opts["OTEL_BSP_SCHEDULE_DELAY"].default == "5000"
    assert opts["OTEL_TRACES_EXPORTER"].type == "enum"
    assert opts["OTEL_TRACES_EXPORTER"].choices == ("otlp", "console", "none")
    assert opts["OTEL_EXPORTER_OTLP_HEADERS"].type == "key_values"
    assert opts["OTEL_SERVICE_NAME"].default is None
    for o in opts.values():
        assert o.name.startswith("OTEL_") and o.description
    # the logs signal's names are read now; Prometheus's are not yet
    assert "OTEL_BLRP_SCHEDULE_DELAY" in opts and "OTEL_LOGS_EXPORTER" in opts
    assert not any(n.startswith("OTEL_EXPORTER_PROMETHEUS_") for n in opts)


def test_every_listed_name_is_a_keyword_and_others_are_refused():
    # each name as a keyword reaches the core (a bad value is a ValueError
    # from the strict handle, never "unknown option")
    for o in otel_core.options():
        if o.name in ("OTEL_TRACES_EXPORTER", "OTEL_SDK_DISABLED"):
            continue
        kw = {o.name[5:].lower(): (o.default or "x"), "sdk_disabled": "true"}
        try:
            otel_core.TracerProvider(exporter="none", **kw).shutdown(1000)
        except TypeError as e:
            pytest.fail("%s refused: %s" % (o.name, e))
        except ValueError:
            pass
    with pytest.raises(TypeError, match="did you mean 'bsp_schedule_delay'"):
        otel_core.TracerProvider(exporter="none", bsp_schedule_dealy="5")
    with pytest.raises(TypeError, match="OTEL_EXPORTER_PROMETHEUS_PORT"):
        otel_core.TracerProvider(exporter="none", exporter_prometheus_port="9464")
