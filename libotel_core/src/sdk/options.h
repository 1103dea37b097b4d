/* The options handle's internals: typed readers that apply the
 * specification's parsing rules (empty = unset; booleans only "true"; bad
 * numbers warn and fall back; enums case-insensitive), the strict verdict,
 * and the objects a handle carries. Every name read must be in the option
 * table (sdk/option_table.c). Modules of every signal read their options
 * here; only sdk/pipeline.c turns them into pipelines. */
#ifndef OTEL_SDK_OPTIONS_H
#define OTEL_SDK_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "otel/options.h"

/* The effective value: code over environment; empty counts as unset. NULL if
 * unset. `opts` may be NULL. A name missing from the option table is a bug:
 * it reads as unset and logs an error (aborts in the unit-test build). */
const char *otel__opt_str(const otel_options *opts, const char *name);

/* Spec boolean: only "true" (any case) is true; other non-empty values other
 * than "false" warn. */
int otel__opt_bool(const otel_options *opts, const char *name, int def);

/* Integer in [min, max]; unparseable or out of range warns and gives `def`. */
int64_t otel__opt_int(const otel_options *opts, const char *name, int64_t def, int64_t min,
                      int64_t max);

/* Double in [min, max]; same rules. */
double otel__opt_double(const otel_options *opts, const char *name, double def, double min,
                        double max);

/* Index of the value in `choices` (case-insensitive, NULL-terminated list);
 * unset gives `def`; unknown warns and gives `def`. */
int otel__opt_enum(const otel_options *opts, const char *name, const char *const *choices,
                   int def);

/* For strict options (otel_options_set_strict): records that the value of
 * `name` set in code is invalid (the first message is kept; a value from
 * the environment records nothing). Parsers call it beside their warning. */
void otel__options_reject(const otel_options *opts, const char *name, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* 1 when a strict handle recorded a bad value. */
int otel__options_failed(const otel_options *opts);
/* OTEL_OK, or OTEL_ERR_INVALID_ARGUMENT with the recorded message as the
 * last error ("what: message"): constructors call it once they have read
 * their options. */
otel_status otel__options_verdict(const otel_options *opts, const char *what);

/* Items the options carry beyond strings (read by the provider). */
otel_resource *otel__options_resource(const otel_options *opts);
otel_sampler *otel__options_sampler(const otel_options *opts);
size_t otel__options_processors(const otel_options *opts, otel_processor *const **out);
otel_id_generator_fn otel__options_id_generator(const otel_options *opts, int *random,
                                                void **user_data);

#endif
