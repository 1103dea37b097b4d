/* Resource internals shared with the provider and the env fuzz target. */
#ifndef OTEL_COMMON_RESOURCE_H
#define OTEL_COMMON_RESOURCE_H

#include <stdatomic.h>

#include "common/arena.h"
#include "common/attrs.h"
#include "otel/resource.h"

struct otel_resource {
    _Atomic uint32_t refs;
    otel__attrs attrs;
    const char *schema_url;
    size_t schema_url_len;
    otel__arena arena;
};

/* Parses OTEL_RESOURCE_ATTRIBUTES syntax (`k=v,k2=v2`, percent-encoded,
 * whitespace trimmed) into attributes allocated in `a`. Returns OTEL_OK, or
 * OTEL_ERR_PARSE for any malformed entry (the caller discards everything). */
otel_status otel__resource_parse_env(const char *s, size_t len, otel_attr **out, size_t *n,
                                     otel__arena *a);

/* The default resource: the SDK's attributes, then `attrs`
 * (OTEL_RESOURCE_ATTRIBUTES syntax; NULL: none), then `service_name` (NULL:
 * unknown_service:<executable>). A malformed `attrs` is ignored whole and
 * sets *malformed (the caller warns: it knows where the value came from). */
otel_status otel__resource_default_from(otel_resource **out, const char *attrs,
                                        const char *service_name, int *malformed);

#endif
