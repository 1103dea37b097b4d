/**
 * @file otel/otlp.h
 * @brief The OTLP exporter (http/protobuf, http/json, gRPC) and the OTLP
 * file exporter.
 *
 * @code
 * otel_options *o;
 * otel_options_new(&o);
 * otel_options_set(o, "OTEL_EXPORTER_OTLP_ENDPOINT", "https://collector:4318");
 * otel_options_set(o, "OTEL_EXPORTER_OTLP_HEADERS", "api-key=s3cr3t");
 * otel_options_set(o, "OTEL_EXPORTER_OTLP_COMPRESSION", "gzip");
 * otel_exporter *exp;
 * if (otel_exporter_otlp_new(&exp, o) != OTEL_OK)
 *     fprintf(stderr, "otel: %s\n", otel_last_error());
 * otel_processor *bsp;
 * otel_processor_batch_new(&bsp, exp, o);
 * otel_exporter_release(exp);                  // the processor holds it
 * otel_options_add_processor(o, bsp);
 * otel_processor_release(bsp);
 * @endcode
 *
 * Without a processor configured in code, a provider builds the OTLP
 * exporter by itself from the same variables (`OTEL_TRACES_EXPORTER=otlp`,
 * the default), so the code above is needed only to change settings in
 * code rather than in the environment.
 *
 * Both exporters follow otel/export.h: reference-counted, owned by one
 * processor, never called concurrently; export runs on the processor's
 * thread (the batch worker). Neither logs a secret: header values and URL
 * user info never appear in a diagnostic, in otel_last_error() or in the
 * provider's last export error.
 */
#ifndef OTEL_OTLP_H
#define OTEL_OTLP_H

#include "otel/common.h"
#include "otel/export.h"
#include "otel/options.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Makes an OTLP trace exporter. Settings are read from `opts` by name,
 * falling back to the environment variable of the same name (NULL `opts`:
 * the environment alone); each `OTEL_EXPORTER_OTLP_X` has a per-signal form
 * `OTEL_EXPORTER_OTLP_TRACES_X` that wins over it:
 *
 * - `ENDPOINT`: generic: a base URL, `v1/traces` is appended
 *   (default `http://localhost:4318`, gRPC `http://localhost:4317`);
 *   per signal: the full URL, used as is. For gRPC, `host:port` without a
 *   scheme is accepted (then `INSECURE` picks http or https).
 * - `PROTOCOL`: `http/protobuf` (default), `http/json` or `grpc`.
 * - `HEADERS`: `k1=v1,k2=v2`, values percent-decoded.
 * - `COMPRESSION`: `gzip` or `none` (default).
 * - `TIMEOUT`: milliseconds per export including retries (default 10000; 0: none).
 * - `CERTIFICATE`, `CLIENT_CERTIFICATE`, `CLIENT_KEY`: PEM files for TLS and mTLS.
 * - `INSECURE`: `true` for plaintext gRPC to a scheme-less endpoint.
 * - This SDK's `OTEL_CORE_EXPORTER_OTLP_MAX_REQUEST_BYTES` (64 MiB: a
 *   larger uncompressed request is not sent, its spans are counted as
 *   dropped_too_large), `OTEL_CORE_EXPORTER_OTLP_MAX_RESPONSE_BYTES`
 *   (4 MiB, after decompression), `OTEL_CORE_EXPORTER_OTLP_RETRY_INITIAL_BACKOFF`
 *   (1000 ms) and `OTEL_CORE_EXPORTER_OTLP_RETRY_MAX_BACKOFF` (30000 ms).
 *
 * Transient failures (HTTP 429/502/503/504, connection failures, the
 * retryable gRPC codes) are retried with exponential backoff and jitter
 * within the timeout, honouring Retry-After and RetryInfo; anything else
 * drops the batch. Retries, rejected spans (partial success) and oversized
 * batches are counted in the provider's stats.
 * @param out receives a new reference; release with otel_exporter_release().
 * @param opts borrowed; read during the call only.
 * @return OTEL_OK, OTEL_ERR_INVALID_ARGUMENT (out NULL), OTEL_ERR_PARSE (an
 *   endpoint that is not an http:// or https:// URL), OTEL_ERR_NO_MEMORY,
 *   OTEL_ERR_INTERNAL (libcurl could not be set up).
 * Thread-safe. @since 1.0
 */
OTEL_API otel_status otel_exporter_otlp_new(otel_exporter **out, const otel_options *opts);

/**
 * Makes an exporter that appends each batch to the file at `path` as one
 * line of OTLP/JSON (an ExportTraceServiceRequest), the layout of the
 * OpenTelemetry Collector's file exporter, so spans can be read without a
 * collector. The file is created (mode 0644) if missing and opened for
 * appending; `-` means standard output.
 * @param out receives a new reference; release with otel_exporter_release().
 * @param path NUL-terminated; copied.
 * @return OTEL_OK, OTEL_ERR_INVALID_ARGUMENT (out or path NULL or empty),
 *   OTEL_ERR_IO (the file cannot be opened), OTEL_ERR_NO_MEMORY.
 * Thread-safe. @since 1.0
 */
OTEL_API otel_status otel_exporter_file_new(otel_exporter **out, const char *path);

/**
 * Pointer + length form of otel_exporter_file_new().
 * @since 1.0
 */
OTEL_API otel_status otel_exporter_file_new_n(otel_exporter **out, const char *path,
                                              size_t path_len);

#ifdef __cplusplus
}
#endif
#endif /* OTEL_OTLP_H */
