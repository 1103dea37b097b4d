/* Small string helpers shared by the env parsers, propagators and exporters. */
#ifndef OTEL_COMMON_STRUTIL_H
#define OTEL_COMMON_STRUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Length of the longest prefix of s[0..len) that is valid UTF-8. */
size_t otel__utf8_valid_prefix(const char *s, size_t len);
/* 1 if all of s[0..len) is valid UTF-8. */
int otel__utf8_valid(const char *s, size_t len);
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
