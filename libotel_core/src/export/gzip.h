/* gzip with zlib: compressing request bodies and decompressing responses
 * under a size cap. A compressor keeps its zlib state between calls. */
#ifndef OTEL_EXPORT_GZIP_H
#define OTEL_EXPORT_GZIP_H

#include <stddef.h>
#include <stdint.h>

#include "export/otlp_buf.h"
#include "otel/common.h"

typedef struct otel__gzip {
    void *zs; /* z_stream, allocated on first use */
    int level;
} otel__gzip;

/* `level` 1..9, or -1 for zlib's default (6). */
void otel__gzip_init(otel__gzip *g, int level);
void otel__gzip_free(otel__gzip *g);

/* Appends the gzip stream of in[0..len) to out (a gRPC frame header may
 * already sit at its start).
 * @return OTEL_OK, OTEL_ERR_NO_MEMORY, OTEL_ERR_LIMIT (out's limit),
 *   OTEL_ERR_INTERNAL (zlib failed). */
otel_status otel__gzip_compress(otel__gzip *g, const uint8_t *in, size_t len, otel__buf *out);

/* Appends the decompressed gzip (or zlib) stream in[0..len) to out. Stops
 * with OTEL_ERR_LIMIT as soon as the output would pass out->limit, so a
 * small bomb cannot make a large allocation.
 * @return OTEL_OK, OTEL_ERR_LIMIT, OTEL_ERR_PARSE (corrupt), OTEL_ERR_NO_MEMORY. */
otel_status otel__gzip_decompress(const uint8_t *in, size_t len, otel__buf *out);

#endif
