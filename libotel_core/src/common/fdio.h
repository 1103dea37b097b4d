/* Writing to file descriptors. */
#ifndef OTEL_COMMON_FDIO_H
#define OTEL_COMMON_FDIO_H

#include <stddef.h>
#include <stdint.h>

/* Writes all of p[0..len) to fd, retrying on EINTR and short writes.
 * Returns 0, or -1 with errno set. */
int otel__write_all(int fd, const uint8_t *p, size_t len);

#endif
