/* Version and time. */
#include "common/clock.h"
#include "otel/common.h"

OTEL_API const char *otel_version(void) { return OTEL_VERSION_STRING; }

OTEL_API uint64_t otel_time_now_ns(void) { return otel__clock_real_ns(); }
