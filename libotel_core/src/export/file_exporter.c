/* The OTLP/JSON file exporter: one ExportTraceServiceRequest per line, the
 * layout of the OpenTelemetry Collector's file exporter. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "common/fdio.h"
#include "common/log.h"
#include "common/strutil.h"
#include "export/exporter.h"
#include "export/otlp_encode.h"
#include "otel/otlp.h"

typedef struct file_exporter {
    int fd;
    int owns_fd;
    char *path;
    otel__otlp_encoder enc;
} file_exporter;

static int file_export(otel_exporter *self, const otel_span_data *const *spans, size_t n,
                       uint32_t timeout_ms) {
    (void)timeout_ms;
    file_exporter *x = self->impl;
    otel__stats *st = atomic_load(&self->stats);
    if (atomic_load(&self->shut_down) || x->fd < 0) {
        otel__stats_set_error(st, "file exporter: export after shutdown");
        return OTEL_EXPORT_FAILURE;
    }
    if (n == 0) return OTEL_EXPORT_SUCCESS;
    const uint8_t *body;
    size_t len;
    otel_status s = otel__otlp_encode_traces_json(&x->enc, spans, n, &body, &len);
    if (s != OTEL_OK) {
        otel__stats_set_error(st, "file exporter: %s", otel_last_error());
        return s == OTEL_ERR_LIMIT ? OTEL__EXPORT_TOO_LARGE : OTEL_EXPORT_FAILURE;
    }
    /* the newline rides in the same write, so lines never interleave */
    x->enc.json.limit = SIZE_MAX;
    otel__buf_putc(&x->enc.json, '\n');
    if (x->enc.json.err) {
        otel__stats_set_error(st, "file exporter: out of memory");
        return OTEL_EXPORT_FAILURE;
    }
    if (otel__write_all(x->fd, x->enc.json.p, x->enc.json.len) != 0) {
        otel__stats_set_error(st, "file exporter: writing %s failed: %s", x->path, strerror(errno));
        OTEL_LOG_W("file exporter: writing %zu spans to %s failed: %s; they are dropped", n, x->path,
                   strerror(errno));
        return OTEL_EXPORT_FAILURE;
    }
    return OTEL_EXPORT_SUCCESS;
}

static otel_status file_force_flush(otel_exporter *self, uint32_t timeout_ms) {
    (void)self, (void)timeout_ms; /* every export is written through */
    return OTEL_OK;
}

static otel_status file_shutdown(otel_exporter *self, uint32_t timeout_ms) {
    (void)self, (void)timeout_ms; /* the descriptor closes in destroy */
    return OTEL_OK;
}

static void file_destroy(otel_exporter *self) {
    file_exporter *x = self->impl;
    if (!x) return;
    if (x->owns_fd && x->fd >= 0) close(x->fd);
    otel__otlp_encoder_free(&x->enc);
    free(x->path);
    free(x);
    self->impl = NULL;
}

static const otel__exporter_vtable file_vtable = {
    .export_spans = file_export,
    .force_flush = file_force_flush,
    .shutdown = file_shutdown,
    .destroy = file_destroy,
    .abort = NULL,
};

OTEL_API otel_status otel_exporter_file_new_n(otel_exporter **out, const char *path,
                                              size_t path_len) {
    if (!out || !path || !path_len || memchr(path, '\0', path_len))
        return otel__fail(OTEL_ERR_INVALID_ARGUMENT, "otel_exporter_file_new: bad argument");
    *out = NULL;
    file_exporter *x = calloc(1, sizeof *x);
    if (!x || !(x->path = otel__strndup(path, path_len))) {
        free(x);
        return otel__fail(OTEL_ERR_NO_MEMORY, "otel_exporter_file_new: out of memory");
    }
    if (strcmp(x->path, "-") == 0) {
        x->fd = STDOUT_FILENO;
        x->owns_fd = 0;
    } else {
        x->fd = open(x->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        x->owns_fd = 1;
        if (x->fd < 0) {
            int err = errno;
            otel_status s = otel__fail(OTEL_ERR_IO, "otel_exporter_file_new: cannot open %.200s: %s",
                                       x->path, strerror(err));
            free(x->path);
            free(x);
            return s;
        }
    }
    otel__otlp_encoder_init(&x->enc, 0);
    otel_status s = otel__exporter_new(out, &file_vtable, x);
    if (s != OTEL_OK) {
        otel_exporter tmp = {0};
        tmp.impl = x;
        file_destroy(&tmp);
    }
    return s;
}

OTEL_API otel_status otel_exporter_file_new(otel_exporter **out, const char *path) {
    return otel_exporter_file_new_n(out, path, path ? strlen(path) : 0);
}
