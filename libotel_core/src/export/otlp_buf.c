/* Growable forward and backward byte buffers. */
#include <stdint.h>
#include <stdlib.h>

#include "export/otlp_buf.h"

void otel__buf_init(otel__buf *b, size_t limit) {
    b->p = NULL;
    b->len = b->cap = 0;
    b->limit = limit ? limit : SIZE_MAX;
    b->err = OTEL__BUF_OK;
}

void otel__buf_free(otel__buf *b) {
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

int otel__buf_grow(otel__buf *b, size_t n) {
    if (b->err) return 0;
    if (n > b->limit || b->len > b->limit - n) {
        b->err = OTEL__BUF_LIMIT;
        return 0;
    }
    size_t need = b->len + n;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    /* never allocate much past the limit */
    if (cap > b->limit && b->limit >= need) cap = b->limit;
    uint8_t *p = realloc(b->p, cap);
    if (!p) {
        b->err = OTEL__BUF_NOMEM;
        return 0;
    }
    b->p = p;
    b->cap = cap;
    return 1;
}

void otel__buf_reset(otel__buf *b, size_t keep) {
    b->len = 0;
    b->err = OTEL__BUF_OK;
    if (b->cap > keep) otel__buf_free(b);
}

void otel__rbuf_init(otel__rbuf *b, size_t limit) {
    b->base = b->pos = b->end = NULL;
    b->limit = limit ? limit : SIZE_MAX;
    b->err = OTEL__BUF_OK;
}

void otel__rbuf_free(otel__rbuf *b) {
    free(b->base);
    b->base = b->pos = b->end = NULL;
}

int otel__rbuf_grow(otel__rbuf *b, size_t n) {
    if (b->err) return 0;
    size_t used = otel__rbuf_used(b);
    if (n > b->limit || used > b->limit - n) {
        b->err = OTEL__BUF_LIMIT;
        return 0;
    }
    size_t need = used + n;
    size_t cap = b->base ? (size_t)(b->end - b->base) : 4096;
    while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (cap > b->limit && b->limit >= need) cap = b->limit;
    uint8_t *nb = malloc(cap);
    if (!nb) {
        b->err = OTEL__BUF_NOMEM;
        return 0;
    }
    /* the written bytes sit at the end of the new block */
    if (used) memcpy(nb + cap - used, b->pos, used);
    free(b->base);
    b->base = nb;
    b->end = nb + cap;
    b->pos = b->end - used;
    return 1;
}

void otel__rbuf_reset(otel__rbuf *b, size_t keep) {
    b->err = OTEL__BUF_OK;
    if (b->base && (size_t)(b->end - b->base) > keep) otel__rbuf_free(b);
    b->pos = b->end;
}
