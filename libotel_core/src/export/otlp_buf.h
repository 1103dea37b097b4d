/* Byte buffers for the OTLP encoders and transports, reused across batches
 * by one export worker so a steady state makes no allocation.
 *
 * otel__buf grows forward (JSON, gzip output, response bodies).
 * otel__rbuf grows backward: protobuf is written from the last field of the
 * last message to the first, so every nested message's length is known when
 * its prefix is written and one pass yields canonical bytes. */
#ifndef OTEL_EXPORT_OTLP_BUF_H
#define OTEL_EXPORT_OTLP_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Buffer error states (sticky until reset). */
enum { OTEL__BUF_OK = 0, OTEL__BUF_NOMEM = 1, OTEL__BUF_LIMIT = 2 };

typedef struct otel__buf {
    uint8_t *p;
    size_t len;
    size_t cap;
    size_t limit; /* max len; SIZE_MAX for none */
    int err;
} otel__buf;

void otel__buf_init(otel__buf *b, size_t limit);
void otel__buf_free(otel__buf *b);
/* Grows so that `n` more bytes fit; 0 on failure (err set). */
int otel__buf_grow(otel__buf *b, size_t n);
/* Empties the buffer, keeping its memory; clears err. Memory above
 * `keep` bytes is released so one huge batch does not pin it forever. */
void otel__buf_reset(otel__buf *b, size_t keep);

static inline int otel__buf_reserve(otel__buf *b, size_t n) {
    return b->cap - b->len >= n ? 1 : otel__buf_grow(b, n);
}

static inline void otel__buf_put(otel__buf *b, const void *p, size_t n) {
    if (!otel__buf_reserve(b, n)) return;
    if (n) memcpy(b->p + b->len, p, n);
    b->len += n;
}

static inline void otel__buf_putc(otel__buf *b, char c) {
    if (!otel__buf_reserve(b, 1)) return;
    b->p[b->len++] = (uint8_t)c;
}

/* `s` must be a string literal (the "" makes anything else a compile error) */
#define otel__buf_lit(b, s) otel__buf_put((b), "" s, sizeof(s) - 1)

typedef struct otel__rbuf {
    uint8_t *base; /* allocation start */
    uint8_t *pos;  /* first written byte */
    uint8_t *end;  /* allocation end = one past the last written byte */
    size_t limit;  /* max bytes written */
    int err;
} otel__rbuf;

void otel__rbuf_init(otel__rbuf *b, size_t limit);
void otel__rbuf_free(otel__rbuf *b);
int otel__rbuf_grow(otel__rbuf *b, size_t n);
void otel__rbuf_reset(otel__rbuf *b, size_t keep);

static inline size_t otel__rbuf_used(const otel__rbuf *b) { return (size_t)(b->end - b->pos); }

static inline int otel__rbuf_reserve(otel__rbuf *b, size_t n) {
    return (size_t)(b->pos - b->base) >= n ? 1 : otel__rbuf_grow(b, n);
}

static inline unsigned otel__varint_len(uint64_t v) {
    /* ceil(bits / 7) without a division; v|1 keeps clz defined */
    unsigned bits = 64u - (unsigned)__builtin_clzll(v | 1);
    return (bits * 9 + 64) >> 6;
}

/* Writes the varint of v ending just before p; returns the new start. For
 * writers that keep the cursor in a local (byte stores through uint8_t*
 * would otherwise force b->pos to be reloaded after every byte). */
static inline uint8_t *otel__put_varint_before(uint8_t *p, uint64_t v) {
    uint8_t *q = p - otel__varint_len(v);
    uint8_t *w = q;
    while (v >= 0x80) {
        *w++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *w = (uint8_t)v;
    return q;
}

/* The rbuf_w* writers assume the caller reserved room. */
static inline void otel__rbuf_wvarint(otel__rbuf *b, uint64_t v) {
    unsigned n = otel__varint_len(v);
    uint8_t *p = b->pos - n;
    b->pos = p;
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p = (uint8_t)v;
}

static inline void otel__rbuf_wbyte(otel__rbuf *b, uint8_t c) { *--b->pos = c; }

static inline void otel__rbuf_wbytes(otel__rbuf *b, const void *p, size_t n) {
    b->pos -= n;
    if (n) memcpy(b->pos, p, n);
}

static inline void otel__rbuf_wfixed64(otel__rbuf *b, uint64_t v) {
    b->pos -= 8;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(b->pos, &v, 8);
#else
    for (int i = 0; i < 8; i++) b->pos[i] = (uint8_t)(v >> (8 * i));
#endif
}

static inline void otel__rbuf_wfixed32(otel__rbuf *b, uint32_t v) {
    b->pos -= 4;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(b->pos, &v, 4);
#else
    for (int i = 0; i < 4; i++) b->pos[i] = (uint8_t)(v >> (8 * i));
#endif
}

#endif
