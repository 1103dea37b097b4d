/* Thread-local last error and the status helpers every module uses. */
#ifndef OTEL_COMMON_ERROR_H
#define OTEL_COMMON_ERROR_H

#include "otel/common.h"

#if defined(__GNUC__)
#define OTEL__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define OTEL__PRINTF(a, b)
#endif

/* Records a formatted message as this thread's last error and returns `st`,
 * so a failing path reads `return otel__fail(OTEL_ERR_..., "...", ...);`.
 * Never format a secret (header value, URL user info) into it. */
otel_status otel__fail(otel_status st, const char *fmt, ...) OTEL__PRINTF(2, 3);

#endif
