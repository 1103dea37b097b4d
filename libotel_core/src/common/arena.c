/* Bump allocator with chained heap blocks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"

struct otel__arena_block {
    otel__arena_block *next;
    size_t cap;
    _Alignas(8) char data[];
};

#define OTEL__ARENA_MIN_BLOCK 1024

void *otel__arena_alloc_slow(otel__arena *a, size_t n) {
    /* inline buffers are 8-aligned by their owners, so cur stays aligned */
    {
        size_t cap = n > OTEL__ARENA_MIN_BLOCK ? n : OTEL__ARENA_MIN_BLOCK;
        /* grow geometrically with what the owner already used, up to 64 KiB */
        if (a->total > cap && cap < 65536) cap = a->total < 65536 ? a->total : 65536;
        if (cap < n) cap = n;
        otel__arena_block *b = malloc(sizeof *b + cap);
        if (!b) return NULL;
        b->next = a->blocks;
        b->cap = cap;
        a->blocks = b;
        a->cur = b->data;
        a->left = cap;
    }
    void *p = a->cur;
    a->cur += n;
    a->left -= n;
    a->total += n;
    return p;
}

void otel__arena_free_blocks(otel__arena *a) {
    otel__arena_block *b = a->blocks;
    while (b) {
        otel__arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->blocks = NULL;
    a->cur = NULL;
    a->left = 0;
}
