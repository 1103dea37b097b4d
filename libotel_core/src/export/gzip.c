/* gzip compression and capped decompression with zlib. */
#include <stdlib.h>
#include <zlib.h>

#include "common/error.h"
#include "export/gzip.h"

void otel__gzip_init(otel__gzip *g, int level) {
    g->zs = NULL;
    g->level = level < 1 || level > 9 ? Z_DEFAULT_COMPRESSION : level;
}

void otel__gzip_free(otel__gzip *g) {
    if (g->zs) {
        deflateEnd(g->zs);
        free(g->zs);
        g->zs = NULL;
    }
}

otel_status otel__gzip_compress(otel__gzip *g, const uint8_t *in, size_t len, otel__buf *out) {
    size_t start = out->len;
    z_stream *zs = g->zs;
    if (!zs) {
        zs = calloc(1, sizeof *zs);
        if (!zs) return otel__fail(OTEL_ERR_NO_MEMORY, "gzip: out of memory");
        /* 15 window bits + 16: a gzip header and trailer */
        if (deflateInit2(zs, g->level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
            free(zs);
            return otel__fail(OTEL_ERR_NO_MEMORY, "gzip: deflateInit2 failed");
        }
        g->zs = zs;
    } else if (deflateReset(zs) != Z_OK) {
        return otel__fail(OTEL_ERR_INTERNAL, "gzip: deflateReset failed");
    }
    size_t bound = (size_t)deflateBound(zs, (uLong)len);
    if (!otel__buf_reserve(out, bound))
        return out->err == OTEL__BUF_LIMIT ? otel__fail(OTEL_ERR_LIMIT, "gzip: output over limit")
                                           : otel__fail(OTEL_ERR_NO_MEMORY, "gzip: out of memory");
    zs->next_in = (Bytef *)(uintptr_t)in;
    zs->next_out = out->p + start;
    /* feed in slices so sizes above 4 GiB never overflow uInt */
    size_t in_left = len, out_left = out->cap - start;
    int rc;
    do {
        uInt in_now = in_left > 0x40000000u ? 0x40000000u : (uInt)in_left;
        uInt out_now = out_left > 0x40000000u ? 0x40000000u : (uInt)out_left;
        zs->avail_in = in_now;
        zs->avail_out = out_now;
        rc = deflate(zs, in_now == in_left ? Z_FINISH : Z_NO_FLUSH);
        in_left -= in_now - zs->avail_in;
        out_left -= out_now - zs->avail_out;
    } while (rc == Z_OK || (rc == Z_BUF_ERROR && in_left));
    if (rc != Z_STREAM_END) return otel__fail(OTEL_ERR_INTERNAL, "gzip: deflate failed (%d)", rc);
    out->len = out->cap - out_left;
    return OTEL_OK;
}

otel_status otel__gzip_decompress(const uint8_t *in, size_t len, otel__buf *out) {
    z_stream zs = {0};
    /* 15 + 32: detect gzip or zlib headers */
    if (inflateInit2(&zs, 15 + 32) != Z_OK) return otel__fail(OTEL_ERR_NO_MEMORY, "gunzip: init failed");
    zs.next_in = (Bytef *)(uintptr_t)in;
    size_t in_left = len;
    otel_status st = OTEL_OK;
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        if (!otel__buf_reserve(out, 16384)) {
            /* room up to the limit only: the limit is exact */
            if (out->err == OTEL__BUF_LIMIT && out->len < out->limit) {
                out->err = OTEL__BUF_OK;
                if (!otel__buf_reserve(out, out->limit - out->len)) {
                    st = otel__fail(OTEL_ERR_NO_MEMORY, "gunzip: out of memory");
                    break;
                }
            } else {
                st = out->err == OTEL__BUF_LIMIT
                         ? otel__fail(OTEL_ERR_LIMIT, "gunzip: output over %zu bytes", out->limit)
                         : otel__fail(OTEL_ERR_NO_MEMORY, "gunzip: out of memory");
                break;
            }
        }
        size_t room = out->cap - out->len;
        if (out->limit - out->len < room) room = out->limit - out->len;
        if (room == 0) {
            st = otel__fail(OTEL_ERR_LIMIT, "gunzip: output over %zu bytes", out->limit);
            break;
        }
        uInt in_now = in_left > 0x40000000u ? 0x40000000u : (uInt)in_left;
        uInt out_now = room > 0x40000000u ? 0x40000000u : (uInt)room;
        zs.avail_in = in_now;
        zs.next_out = out->p + out->len;
        zs.avail_out = out_now;
        rc = inflate(&zs, Z_NO_FLUSH);
        in_left -= in_now - zs.avail_in;
        out->len += out_now - zs.avail_out;
        if (rc == Z_STREAM_END) break;
        if (rc == Z_BUF_ERROR && in_left == 0 && zs.avail_out != 0) {
            st = otel__fail(OTEL_ERR_PARSE, "gunzip: truncated stream");
            break;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            st = otel__fail(OTEL_ERR_PARSE, "gunzip: corrupt stream (%d)", rc);
            break;
        }
    }
    inflateEnd(&zs);
    return st;
}
