/* Trace and span ids from a per-thread xoshiro256** generator, seeded from
 * getrandom() and reseeded after fork so parent and child never collide. */
#ifndef OTEL_COMMON_IDS_H
#define OTEL_COMMON_IDS_H

#include <stdint.h>

uint64_t otel__rand64(void);
/* 16 random bytes, never all zero. */
void otel__trace_id(uint8_t out[16]);
/* 8 random bytes, never all zero. */
void otel__span_id(uint8_t out[8]);
/* A new trace id (if trace_id is not NULL) and span id, never all zero. */
void otel__new_ids(uint8_t *trace_id, uint8_t *span_id);
/* Bumped in the child after fork (see trace/fork.c). */
void otel__ids_after_fork(void);

#endif
