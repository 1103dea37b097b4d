/* Small string helpers shared by the env parsers, propagators and exporters. */
#ifndef OTEL_COMMON_STRUTIL_H
#define OTEL_COMMON_STRUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Length of the longest prefix of s[0..len) that is valid UTF-8. */
size_t otel__utf8_valid_prefix(const char *s, size_t len);
/* 1 if all of s[0..len) is valid UTF-8. */
int otel__utf8_valid(const char *s, size_t len);
/* Copies s[0..len) to out (capacity 3 * len) with each invalid byte
 * replaced by U+FFFD; returns the length written. */
size_t otel__utf8_repair(const char *s, size_t len, char *out);

/* The same, with short ASCII strings (keys, most values) decided inline:
 * eight bytes per step, the tail as one overlapping word. */
static inline int otel__utf8_valid_inline(const char *s, size_t len) {
    if (len >= 8 && len <= 64) {
        uint64_t acc = 0, w;
        for (size_t i = 0; i + 8 <= len; i += 8) {
            __builtin_memcpy(&w, s + i, 8);
            acc |= w;
        }
        __builtin_memcpy(&w, s + len - 8, 8);
        if (!((acc | w) & 0x8080808080808080ull)) return 1;
    } else if (len >= 4) {
        uint32_t a, b;
        __builtin_memcpy(&a, s, 4);
        __builtin_memcpy(&b, s + len - 4, 4);
        if (!((a | b) & 0x80808080u)) return 1;
    } else {
        unsigned b = 0;
        for (size_t i = 0; i < len; i++) b |= (unsigned char)s[i];
        if (!(b & 0x80)) return 1;
    }
    return otel__utf8_valid(s, len);
}
/* The largest n <= max such that s[0..n) ends on a UTF-8 character boundary. */
size_t otel__utf8_truncate(const char *s, size_t len, size_t max);

/* Trims spaces and tabs at both ends (in place on the pointer/length). */
void otel__trim(const char **s, size_t *len);

/* Percent-decodes s[0..len) into out (capacity >= len). Returns the decoded
 * length, or (size_t)-1 on a malformed escape. */
size_t otel__percent_decode(const char *s, size_t len, char *out);

/* Case-insensitive ASCII comparison of two counted strings: 1 if equal. */
int otel__ascii_ieq(const char *a, size_t alen, const char *b, size_t blen);

/* Lowercase hex of `n` bytes into out (2n chars, no NUL). */
void otel__hex_encode(const uint8_t *in, size_t n, char *out);
/* Parses exactly 2n lowercase-or-uppercase hex chars; returns 0 on success. */
int otel__hex_decode(const char *in, size_t n, uint8_t *out);

/* strndup that returns NULL only when out of memory (len 0 gives ""). */
char *otel__strndup(const char *s, size_t len);

#endif
