/* The secret registry and the one redaction point.
 *
 * Readers (every message) never lock: they count themselves in `readers`
 * and read an immutable table. Writers (an exporter made or freed) copy the
 * table, swap the pointer, and free the old one once no reader is left. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "common/fork.h"
#include "common/redact.h"
#include "common/strutil.h"

#define MASK_LEN (sizeof OTEL__REDACTED - 1)
#define MIN_SECRET 3

typedef struct secret {
    char *s;
    size_t len;
    unsigned refs; /* written by writers only, under writer_lock */
} secret;

typedef struct table {
    size_t n;
    size_t max_len;
    secret e[]; /* longest first, so the longest match wins */
} table;

static _Atomic(table *) current;
static _Atomic unsigned readers;
static pthread_mutex_t writer_lock = PTHREAD_MUTEX_INITIALIZER;

/* The child has one thread: no reader is left, no writer holds the lock. */
static void redact_fork_child(void) {
    atomic_store(&readers, 0);
    pthread_mutex_init(&writer_lock, NULL);
}

__attribute__((constructor)) static void redact_init(void) {
    otel__fork_register_handlers(OTEL__FORK_STATE, NULL, NULL, redact_fork_child);
}

static table *reader_enter(void) {
    atomic_fetch_add(&readers, 1);
    return atomic_load(&current);
}

static void reader_leave(void) { atomic_fetch_sub(&readers, 1); }

/* Publishes `t` and frees the table it replaces once no reader can see it. */
static void publish(table *t) {
    table *old = atomic_exchange(&current, t);
    while (atomic_load(&readers) != 0) sched_yield();
    free(old);
}

static table *copy_table(const table *t, size_t extra) {
    size_t n = t ? t->n : 0;
    table *c = malloc(sizeof *c + (n + extra) * sizeof c->e[0]);
    if (!c) return NULL;
    c->n = n;
    c->max_len = t ? t->max_len : 0;
    if (n) memcpy(c->e, t->e, n * sizeof c->e[0]);
    return c;
}

static secret *find(table *t, const char *s, size_t len) {
    for (size_t i = 0; t && i < t->n; i++)
        if (t->e[i].len == len && memcmp(t->e[i].s, s, len) == 0) return &t->e[i];
    return NULL;
}

static int add_one(const char *s, size_t len) {
    table *t = atomic_load(&current);
    secret *hit = find(t, s, len);
    if (hit) {
        hit->refs++;
        return 1;
    }
    char *d = otel__strndup(s, len);
    table *c = d ? copy_table(t, 1) : NULL;
    if (!c) {
        free(d);
        return 0;
    }
    size_t at = 0;
    while (at < c->n && c->e[at].len >= len) at++;
    memmove(&c->e[at + 1], &c->e[at], (c->n - at) * sizeof c->e[0]);
    c->e[at] = (secret){d, len, 1};
    c->n++;
    if (len > c->max_len) c->max_len = len;
    publish(c);
    return 1;
}

static void remove_one(const char *s, size_t len) {
    table *t = atomic_load(&current);
    secret *hit = find(t, s, len);
    if (!hit || --hit->refs > 0) return;
    table *c = copy_table(t, 0);
    if (!c) return; /* keep masking it: harmless */
    size_t at = (size_t)(hit - t->e);
    char *gone = c->e[at].s;
    memmove(&c->e[at], &c->e[at + 1], (c->n - at - 1) * sizeof c->e[0]);
    c->n--;
    c->max_len = 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->e[i].len > c->max_len) c->max_len = c->e[i].len;
    publish(c);
    memset(gone, 0, len); /* no copy of a credential lingers */
    free(gone);
}

/* The names of HTTP authentication schemes: the token after one is the
 * secret, the name itself is not. */
static int is_scheme(const char *s, size_t len) {
    static const char *const names[] = {"basic", "bearer", "digest", "token", "negotiate",
                                        "apikey", "api-key", "key", "dsn", "splunk", NULL};
    for (int i = 0; names[i]; i++)
        if (otel__ascii_ieq(s, len, names[i], strlen(names[i]))) return 1;
    return 0;
}

/* Calls fn on the whole value and on each token of a value of two or more. */
static int each_piece(const char *v, size_t len, int (*fn)(const char *, size_t)) {
    otel__trim(&v, &len);
    if (len < MIN_SECRET) return 1;
    int ok = fn(v, len);
    if (!memchr(v, ' ', len) && !memchr(v, '\t', len)) return ok;
    for (size_t i = 0; i < len;) {
        while (i < len && (v[i] == ' ' || v[i] == '\t')) i++;
        size_t j = i;
        while (j < len && v[j] != ' ' && v[j] != '\t') j++;
        if (j - i >= MIN_SECRET && !(i == 0 && is_scheme(v, j))) ok &= fn(v + i, j - i);
        i = j;
    }
    return ok;
}

static int remove_piece(const char *s, size_t len) {
    remove_one(s, len);
    return 1;
}

int otel__secret_add(const char *v, size_t len) {
    if (!v) return 1;
    pthread_mutex_lock(&writer_lock);
    int ok = each_piece(v, len, add_one);
    pthread_mutex_unlock(&writer_lock);
    if (!ok) otel__secret_remove(v, len); /* all or nothing: drop the pieces that made it */
    return ok;
}

void otel__secret_remove(const char *v, size_t len) {
    if (!v) return;
    pthread_mutex_lock(&writer_lock);
    each_piece(v, len, remove_piece);
    pthread_mutex_unlock(&writer_lock);
}

/* The secret that starts at s[0..avail): the longest whole one, or, when the
 * text ends before one would, one whose first `avail` (>= MIN_SECRET) bytes
 * are all that is left. Returns the bytes it covers, 0 if none. */
static size_t secret_at(const table *t, const char *s, size_t avail) {
    for (size_t k = 0; k < t->n; k++) {
        const secret *e = &t->e[k];
        if (e->s[0] != s[0]) continue;
        if (e->len <= avail) {
            if (memcmp(e->s, s, e->len) == 0) return e->len;
        } else if (avail >= MIN_SECRET && memcmp(e->s, s, avail) == 0) {
            return avail;
        }
    }
    return 0;
}

size_t otel__redact(char *dst, size_t cap, const char *src, size_t len) {
    if (!dst || !cap) return 0;
    if (!src) len = 0;
    size_t limit = cap - 1, o = 0, i = 0, lit = 0; /* lit: where the literal run began in dst */
    table *t = reader_enter();
    int cut = 0;
    while (i < len) {
        size_t m = t && t->n ? secret_at(t, src + i, len - i) : 0;
        if (m) {
            if (o + MASK_LEN > limit) {
                cut = 1;
                break;
            }
            memcpy(dst + o, OTEL__REDACTED, MASK_LEN);
            o += MASK_LEN;
            lit = o;
            i += m;
            continue;
        }
        if (o >= limit) {
            cut = 1;
            break;
        }
        dst[o++] = src[i++];
    }
    reader_leave();
    if (cut) {
        /* end on a character boundary: drop a partial UTF-8 sequence */
        while (o > lit && i < len && ((unsigned char)src[i] & 0xC0) == 0x80) o--, i--;
    }
    dst[o] = '\0';
    return o;
}
