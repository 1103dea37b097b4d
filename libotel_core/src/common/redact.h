/* The one redaction point. Whoever holds a credential (an OTLP exporter: its
 * header values, its URL's user info) registers it here; every string that
 * can reach a log line, a provider's last_error or the stats JSON is copied
 * through otel__redact() once it is complete and before it is cut to size,
 * so no message path can forget, and a cut can never leave the first part of
 * a secret behind. Lock-free for readers (the log and the export worker),
 * fork-safe: nothing here waits on a lock another thread may hold. */
#ifndef OTEL_COMMON_REDACT_H
#define OTEL_COMMON_REDACT_H

#include <stddef.h>

/* What a secret becomes. */
#define OTEL__REDACTED "[REDACTED]"

/* Registers `v` as a secret, and with it each space-separated token of it
 * (`Bearer <token>`, `Basic <credentials>`: a server may quote only the
 * token), leaving out an authentication scheme's name and values shorter
 * than 3 bytes. Counted: each add needs one otel__secret_remove() of the
 * same value. Returns 0 when out of memory (nothing registered). */
int otel__secret_add(const char *v, size_t len);
void otel__secret_remove(const char *v, size_t len);

/* Copies src[0..len) into dst (capacity `cap` > 0, always NUL-terminated)
 * with every registered secret replaced by OTEL__REDACTED, then cut to
 * cap - 1 bytes on a UTF-8 boundary, never inside a mask. A tail of the text
 * that is the start of a secret (3 bytes or more: the text was cut upstream)
 * is masked too. src and dst may not overlap. Returns the length written.
 * Thread-safe, no lock. */
size_t otel__redact(char *dst, size_t cap, const char *src, size_t len);

#endif
