"""Configuration: OTEL_* keywords into an otel_options handle (what every
provider and propagators.from_env are made from), and the keywords
configure() was last given, which the meter provider get_meter() makes on
first use takes too."""
import collections
import difflib

from ._core import _b, _check, ffi, lib

_configured = {}


Option = collections.namedtuple("Option", "name type default choices description")
# the core's otel_option_type values, by name
_OPTION_TYPES = ("string", "bool", "int", "double", "enum", "list", "duration", "key_values")


def _str_or_none(p):
    return ffi.string(p).decode() if p != ffi.NULL else None


def options():
    """Every OTEL_* option the core honours, from its option table
    (otel_option_next): a list of Option(name, type, default, choices,
    description); `type` is one of "string", "bool", "int", "double",
    "enum", "list", "duration" (ms), "key_values"; `default` and `choices`
    may be None. These are the names configure() and the providers accept
    as keywords (lower case without OTEL_, or the name itself)."""
    out, i = [], lib.otel_option_next(ffi.NULL)
    while i != ffi.NULL:
        t = lib.otel_option_info_type(i)
        choices = _str_or_none(lib.otel_option_info_choices(i))
        out.append(Option(_str_or_none(lib.otel_option_info_name(i)),
                          _OPTION_TYPES[t] if 0 <= t < len(_OPTION_TYPES) else "string",
                          _str_or_none(lib.otel_option_info_default(i)),
                          tuple(choices.split(",")) if choices else None,
                          _str_or_none(lib.otel_option_info_description(i))))
        i = lib.otel_option_next(i)
    return out


def _unknown_option(key, name):
    near = difflib.get_close_matches(name, [o.name for o in options()], n=1)
    hint = " (did you mean %r?)" % (near[0][5:].lower(),) if near else ""
    return TypeError("unknown option %r (%s is not an OTEL_* setting this SDK reads)%s"
                     % (key, name, hint))


def _remember(settings):
    """Keeps configure()'s keywords for the providers made later."""
    global _configured
    _configured = dict(settings)


def _configured_settings():
    return dict(_configured)


def _new_options(settings):
    """An otel_options from keywords: `service_name` means OTEL_SERVICE_NAME
    (upper-case names are taken as they are). The caller frees it."""
    opts = ffi.new("otel_options **")
    _check(lib.otel_options_new(opts), "options_new")
    o = opts[0]
    # strict: a value given here that the core cannot use is a ValueError
    # (from the environment it stays a warning, as the specification says)
    lib.otel_options_set_strict(o, 1)
    try:
        for key, value in settings.items():
            if value is None:  # not set here: the environment's value applies
                continue
            if not isinstance(value, (str, int, float)):
                raise TypeError("option %r must be str, int, float or bool, not %s"
                                % (key, type(value).__name__))
            name = key if key.isupper() else "OTEL_" + key.upper()
            nb, vb = _b(name), _b(str(value).lower() if isinstance(value, bool) else str(value))
            st = lib.otel_options_set_n(o, nb, len(nb), vb, len(vb))
            if st == lib.OTEL_ERR_NOT_FOUND:  # as Python treats an unknown keyword
                raise _unknown_option(key, name)
            _check(st, "option %s" % name)
    except BaseException:
        lib.otel_options_free(o)
        raise
    return o
