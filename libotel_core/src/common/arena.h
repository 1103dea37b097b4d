/* A bump allocator: a span's strings and arrays live in one arena that is
 * freed at once when the span goes. The first block may be inline in the
 * owner, so a small span makes no extra allocation. */
#ifndef OTEL_COMMON_ARENA_H
#define OTEL_COMMON_ARENA_H

#include <stddef.h>
#include <string.h>

typedef struct otel__arena_block otel__arena_block;

typedef struct otel__arena {
    char *cur;                 /* next free byte */
    size_t left;               /* bytes left in the current block */
    size_t total;              /* bytes handed out, for the per-owner cap */
    otel__arena_block *blocks; /* heap blocks, newest first */
} otel__arena;

/* Starts an arena on `buf` (may be NULL with cap 0). */
static inline void otel__arena_init(otel__arena *a, void *buf, size_t cap) {
    a->cur = buf;
    a->left = buf ? cap : 0;
    a->total = 0;
    a->blocks = NULL;
}
/* Slow path: a new block. */
void *otel__arena_alloc_slow(otel__arena *a, size_t n);

/* 8-byte aligned memory, or NULL when out of memory. */
static inline void *otel__arena_alloc(otel__arena *a, size_t n) {
    n = n ? (n + 7) & ~(size_t)7 : 8;
    if (__builtin_expect(n > a->left, 0)) return otel__arena_alloc_slow(a, n);
    void *p = a->cur;
    a->cur += n;
    a->left -= n;
    a->total += n;
    return p;
}

/* A copy of s[0..len) plus a NUL, or NULL. */
static inline char *otel__arena_strndup(otel__arena *a, const char *s, size_t len) {
    char *p = otel__arena_alloc(a, len + 1);
    if (!p) return NULL;
    if (len >= 8 && len <= 32) {
        /* keys and short values: whole words, the last one overlapping, and
         * no call (the block is 8-aligned and len + 1 bytes long) */
        for (size_t i = 0; i + 8 <= len; i += 8) __builtin_memcpy(p + i, s + i, 8);
        __builtin_memcpy(p + len - 8, s + len - 8, 8);
    } else if (len) {
        memcpy(p, s, len);
    }
    p[len] = '\0';
    return p;
}
/* Frees the heap blocks; the inline buffer is the owner's. */
void otel__arena_free_blocks(otel__arena *a);
static inline void otel__arena_free(otel__arena *a) {
    if (a->blocks) otel__arena_free_blocks(a);
}

#endif
