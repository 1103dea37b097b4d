/* Status strings and the thread-local last error. */
#include <stdarg.h>
#include <stdio.h>

#include "common/error.h"
#include "common/redact.h"

static _Thread_local char last_error[512];

OTEL_API const char *otel_status_str(otel_status status) {
    switch (status) {
#define OTEL__STATUS_CASE(name, value, text) \
    case name:                               \
        return text;
        OTEL_STATUS_LIST(OTEL__STATUS_CASE)
#undef OTEL__STATUS_CASE
    }
    return "unknown status";
}

OTEL_API const char *otel_last_error(void) { return last_error; }

otel_status otel__fail(otel_status st, const char *fmt, ...) {
    char full[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(full, sizeof full, fmt, ap);
    va_end(ap);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof full ? (size_t)n : sizeof full - 1;
    otel__redact(last_error, sizeof last_error, full, len);
    return st;
}
