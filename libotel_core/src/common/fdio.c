/* Writing to file descriptors (fdio.h). */
#include <errno.h>
#include <unistd.h>

#include "common/fdio.h"

int otel__write_all(int fd, const uint8_t *p, size_t len) {
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}
