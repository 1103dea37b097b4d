/**
 * @file otel/common.h
 * @brief Export macros, versions, status codes, errors, time and attributes.
 *
 * Every string crossing this ABI is UTF-8. Every string parameter has a
 * pointer + length form (`_n`); the NUL-terminated form wraps it. Nothing in
 * this ABI is passed by value except scalars and the tiny fixed structs
 * declared here, whose layout is frozen for the life of SONAME 1.
 *
 * @code
 * otel_tracer_provider *tp;
 * if (otel_tracer_provider_new(&tp, NULL) != OTEL_OK)
 *     fprintf(stderr, "otel: %s\n", otel_last_error());
 * @endcode
 */
#ifndef OTEL_COMMON_H
#define OTEL_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(OTEL_BUILDING_LIBRARY) && defined(__GNUC__)
#define OTEL_API __attribute__((visibility("default")))
#else
#define OTEL_API
#endif

#if defined(__GNUC__)
#define OTEL_DEPRECATED(since, msg) __attribute__((deprecated("since " since ": " msg)))
#else
#define OTEL_DEPRECATED(since, msg)
#endif

#define OTEL_VERSION_MAJOR 1
#define OTEL_VERSION_MINOR 0
#define OTEL_VERSION_PATCH 0
#define OTEL_VERSION_STRING "1.0.0"
/** The version as one number: 0xMMmmpp. */
#define OTEL_VERSION_NUM \
    ((OTEL_VERSION_MAJOR << 16) | (OTEL_VERSION_MINOR << 8) | OTEL_VERSION_PATCH)
/** True when the headers are at least version x.y.z. */
#define OTEL_AT_LEAST_VERSION(x, y, z) (OTEL_VERSION_NUM >= (((x) << 16) | ((y) << 8) | (z)))

/**
 * Status codes. Values are pinned: a retired code stays reserved.
 * The list is an X-macro so the strings can never drift from the values.
 */
#define OTEL_STATUS_LIST(X)                                          \
    X(OTEL_OK, 0, "ok")                                              \
    X(OTEL_ERR_INVALID_ARGUMENT, 1, "invalid argument")              \
    X(OTEL_ERR_NO_MEMORY, 2, "out of memory")                        \
    X(OTEL_ERR_TIMEOUT, 3, "timed out")                              \
    X(OTEL_ERR_SHUTDOWN, 4, "already shut down")                     \
    X(OTEL_ERR_UNSUPPORTED, 5, "not supported")                      \
    X(OTEL_ERR_PARSE, 6, "could not parse")                          \
    X(OTEL_ERR_EXPORT, 7, "export failed")                           \
    X(OTEL_ERR_NOT_FOUND, 8, "not found")                            \
    X(OTEL_ERR_LIMIT, 9, "limit exceeded")                           \
    X(OTEL_ERR_IO, 10, "input/output error")                         \
    X(OTEL_ERR_STATE, 11, "invalid state for this call")             \
    X(OTEL_ERR_INTERNAL, 12, "internal error")

/** Result of every fallible call. */
typedef enum otel_status {
#define OTEL__STATUS_ENUM(name, value, text) name = value,
    OTEL_STATUS_LIST(OTEL__STATUS_ENUM)
#undef OTEL__STATUS_ENUM
} otel_status;

/**
 * The library version at run time, e.g. "1.0.0".
 * @return a static string. Thread-safe. @since 1.0
 */
OTEL_API const char *otel_version(void);

/**
 * A short English description of a status code.
 * @return a static string, never NULL ("unknown status" for unknown codes).
 * Thread-safe. @since 1.0
 */
OTEL_API const char *otel_status_str(otel_status status);

/**
 * The message of the last failed call on this thread.
 * @return a thread-local string, never NULL ("" when no call failed yet),
 *   valid until the next failing call on the same thread. Never contains a
 *   secret (header values, URL user info). @since 1.0
 */
OTEL_API const char *otel_last_error(void);

/**
 * Nanoseconds since the Unix epoch, from the realtime clock.
 * Thread-safe. @since 1.0
 */
OTEL_API uint64_t otel_time_now_ns(void);

/** Severity of the SDK's own diagnostic messages. */
typedef enum otel_log_level {
    OTEL_LOG_DEBUG = 0,
    OTEL_LOG_INFO = 1,
    OTEL_LOG_WARN = 2,
    OTEL_LOG_ERROR = 3,
    OTEL_LOG_NONE = 4
} otel_log_level;

/**
 * Receives the SDK's diagnostic messages. `message` is valid only during the
 * call and holds no secret. It runs on the SDK's diagnostics thread (one per
 * process, started with the first message; a forked child starts its own),
 * one message at a time, never on the thread that logged: a slow or blocking
 * handler delays only later messages, and when the queue of pending
 * messages (64) is full, new ones are dropped and counted (a message
 * "N diagnostics dropped" follows once there is room, and `diagnostics_dropped`
 * in otel_tracer_provider_stats_json()). It may call otel_set_log_handler()
 * but must not wait for otel_log_flush() or a provider's flush or shutdown.
 */
typedef void (*otel_log_fn)(int level, const char *message, size_t message_len,
                            void *user_data);

/**
 * Routes the SDK's diagnostics to `fn` (NULL restores the default: stderr).
 * Messages below `OTEL_LOG_LEVEL` (default info) are not delivered, and each
 * kind of message is rate-limited so a dead collector cannot flood the host.
 * Messages still queued go to the handler current when they are delivered.
 * Returns once the previous handler is no longer running (so its
 * `user_data` may be freed), which waits for a call in progress.
 * Thread-safe. @since 1.0
 */
OTEL_API void otel_set_log_handler(otel_log_fn fn, void *user_data);

/**
 * Waits until every diagnostic message logged before the call has been
 * written (or handed to the handler), for at most `timeout_ms`. At exit()
 * the SDK waits the same way for at most 200 ms, so a stalled stderr never
 * holds up exit; what is still queued then is lost.
 * @return OTEL_OK, or OTEL_ERR_TIMEOUT (messages still queued).
 * Thread-safe; from inside a log handler it returns OTEL_OK at once.
 * @since 1.0
 */
OTEL_API otel_status otel_log_flush(uint32_t timeout_ms);

/**
 * Sets the lowest level delivered (overrides `OTEL_LOG_LEVEL`; so does
 * `OTEL_LOG_LEVEL` set with otel_options_set() on the options a provider is
 * built from: the last of the two to run wins, for the whole process).
 * Thread-safe. @since 1.0
 */
OTEL_API void otel_set_log_level(int level);

/** The type of an attribute value. Values are pinned. */
typedef enum otel_value_type {
    OTEL_VALUE_NONE = 0,
    OTEL_VALUE_STRING = 1,
    OTEL_VALUE_BOOL = 2,
    OTEL_VALUE_INT64 = 3,
    OTEL_VALUE_DOUBLE = 4,
    OTEL_VALUE_STRING_ARRAY = 5,
    OTEL_VALUE_BOOL_ARRAY = 6,
    OTEL_VALUE_INT64_ARRAY = 7,
    OTEL_VALUE_DOUBLE_ARRAY = 8,
    /* AnyValue-only kinds: log bodies and log attributes (otel/logs.h);
     * span and metric attributes refuse them (dropped, counted). */
    OTEL_VALUE_BYTES = 9,  /**< `ptr`: the bytes, `len`: their count */
    OTEL_VALUE_ARRAY = 10, /**< `ptr`: const otel_attr * values (keys ignored), `len`: count */
    OTEL_VALUE_MAP = 11    /**< `ptr`: const otel_attr * entries with keys, `len`: count */
} otel_value_type;

/** A borrowed UTF-8 string: pointer and byte length. Frozen layout. */
typedef struct otel_str {
    const char *ptr;
    size_t len;
} otel_str;

/**
 * One attribute, as a tagged key/value record for the bulk calls. Frozen
 * layout; no unions so every FFI can build it.
 *
 * - STRING: `ptr` is the UTF-8 bytes, `len` their count.
 * - BOOL: `bool_value` (0 or 1). INT64: `int_value`. DOUBLE: `double_value`.
 * - STRING_ARRAY: `ptr` is `const otel_str *`, `len` the element count.
 * - BOOL_ARRAY: `const int *`; INT64_ARRAY: `const int64_t *`;
 *   DOUBLE_ARRAY: `const double *`; `len` the element count.
 *
 * A key of length 0 or `key == NULL` is invalid: the attribute is dropped
 * and counted. The library copies what it keeps.
 */
typedef struct otel_attr {
    const char *key;
    size_t key_len;
    int32_t type;
    int32_t bool_value;
    int64_t int_value;
    double double_value;
    const void *ptr;
    size_t len;
} otel_attr;

#if !defined(__cplusplus) && defined(__STDC_VERSION__) && __STDC_VERSION__ >= 199901L
/* C convenience builders (compound literals): keys and strings are literals
 * or NUL-terminated strings. */
#include <string.h>
#define OTEL_ATTR_STR(k, v) \
    ((otel_attr){(k), strlen(k), OTEL_VALUE_STRING, 0, 0, 0.0, (v), strlen(v)})
#define OTEL_ATTR_BOOL(k, v) ((otel_attr){(k), strlen(k), OTEL_VALUE_BOOL, !!(v), 0, 0.0, NULL, 0})
#define OTEL_ATTR_I64(k, v) ((otel_attr){(k), strlen(k), OTEL_VALUE_INT64, 0, (v), 0.0, NULL, 0})
#define OTEL_ATTR_F64(k, v) ((otel_attr){(k), strlen(k), OTEL_VALUE_DOUBLE, 0, 0, (v), NULL, 0})
#define OTEL_ATTR_ARRAY(k, t, p, n) ((otel_attr){(k), strlen(k), (t), 0, 0, 0.0, (p), (n)})
#endif

#ifdef __cplusplus
}
#endif
#endif /* OTEL_COMMON_H */
