/* gRPC message framing, timeouts and status codes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/redact.h"
#include "common/strutil.h"
#include "export/otlp_grpc_framing.h"

void otel__grpc_frame_header(uint8_t out[OTEL__GRPC_FRAME_HEADER], int compressed, uint32_t len) {
    out[0] = compressed ? 1 : 0;
    out[1] = (uint8_t)(len >> 24);
    out[2] = (uint8_t)(len >> 16);
    out[3] = (uint8_t)(len >> 8);
    out[4] = (uint8_t)len;
}

int otel__grpc_frame_parse(const uint8_t *p, size_t len, int *compressed, const uint8_t **msg,
                           size_t *msg_len) {
    *msg = NULL;
    *msg_len = 0;
    *compressed = 0;
    if (len == 0) return 0;
    if (len < OTEL__GRPC_FRAME_HEADER || p[0] > 1) return -1;
    uint32_t n = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 | p[4];
    if ((size_t)n != len - OTEL__GRPC_FRAME_HEADER) return -1; /* unary: exactly one message */
    *compressed = p[0];
    *msg = p + OTEL__GRPC_FRAME_HEADER;
    *msg_len = n;
    return 1;
}

void otel__grpc_timeout_value(char out[16], uint64_t ns) {
    static const struct { uint64_t div; char unit; } units[] = {
        {1000000ull, 'm'}, {1000000000ull, 'S'}, {60000000000ull, 'M'}, {3600000000000ull, 'H'}};
    for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
        /* round up so the server never gives up before we do */
        uint64_t v = (ns + units[i].div - 1) / units[i].div;
        if (v < 100000000ull || i == sizeof units / sizeof *units - 1) {
            if (v > 99999999ull) v = 99999999ull;
            if (v == 0) v = 1;
            snprintf(out, 16, "%llu%c", (unsigned long long)v, units[i].unit);
            return;
        }
    }
}

int otel__grpc_code_retryable(int code, int has_retry_info) {
    switch (code) {
    case OTEL__GRPC_CANCELLED:
    case OTEL__GRPC_DEADLINE_EXCEEDED:
    case OTEL__GRPC_ABORTED:
    case OTEL__GRPC_OUT_OF_RANGE:
    case OTEL__GRPC_UNAVAILABLE:
    case OTEL__GRPC_DATA_LOSS:
        return 1;
    case OTEL__GRPC_RESOURCE_EXHAUSTED:
        return has_retry_info;
    default:
        return 0;
    }
}

const char *otel__grpc_code_name(int code) {
    static const char *const names[] = {
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
        "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
        "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
        "UNAUTHENTICATED"};
    return code >= 0 && code <= 16 ? names[code] : "UNKNOWN";
}

int otel__grpc_status_from_http(long s) {
    switch (s) {
    case 400: return OTEL__GRPC_INTERNAL;
    case 401: return OTEL__GRPC_UNAUTHENTICATED;
    case 403: return OTEL__GRPC_PERMISSION_DENIED;
    case 404: return OTEL__GRPC_UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504: return OTEL__GRPC_UNAVAILABLE;
    default: return OTEL__GRPC_UNKNOWN;
    }
}

void otel__grpc_message_decode(const char *in, size_t len, char *out, size_t cap) {
    if (!cap) return;
    /* decoded whole, redacted, then cut: a secret the server echoes must
     * not survive as a prefix at the cut */
    if (len > 65536) len = 65536;
    char *tmp = malloc(len + 1);
    if (!tmp) {
        out[0] = '\0';
        return;
    }
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char c = in[i];
        if (c == '%' && i + 2 < len) {
            uint8_t v;
            if (otel__hex_decode(in + i + 1, 1, &v) == 0) {
                c = (char)v;
                i += 2;
            }
        }
        tmp[o++] = (unsigned char)c < 0x20 ? ' ' : c;
    }
    otel__redact(out, cap, tmp, otel__utf8_valid_prefix(tmp, o));
    free(tmp);
}
