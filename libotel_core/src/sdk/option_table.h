/* The option table: every name the SDK honours, with its type, default and
 * a one-line description (read by otel_options_set, the typed readers in
 * sdk/options.c and the public otel_option_* enumeration). */
#ifndef OTEL_SDK_OPTION_TABLE_H
#define OTEL_SDK_OPTION_TABLE_H

#include <stddef.h>

#include "otel/options.h"

struct otel_option_info {
    const char *name;
    int type;            /* otel_option_type */
    const char *def;     /* NULL: no fixed default (computed, or unset) */
    const char *choices; /* enum and list options: "a,b,c"; else NULL */
    const char *description;
};

/* The entry for `name` (exact, case-sensitive), or NULL. */
const otel_option_info *otel__option_find(const char *name, size_t len);

#endif
