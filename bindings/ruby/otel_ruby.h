/* The C behind the Ruby module's typemaps (bindings/ruby/otel_core_native.i):
 * typed data objects for the handles, and Ruby values into otel_attr
 * arrays. Defined in otel_ruby.c, compiled with the project's warnings;
 * the macros expand in the wrapper SWIG generates. Every function may
 * raise a Ruby exception (longjmp) naming the function `fn`. */
#ifndef OTEL_RUBY_H
#define OTEL_RUBY_H

#include <ruby.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "otel_swig.h"

#if defined(__GNUC__)
#pragma GCC visibility push(hidden) /* the module exports only Init_ */
#endif

/* attributes converted without allocating up to this many */
#define OTEL_RB_STACK_ATTRS 16
/* a wrapper's name as Ruby code calls it, for messages */
#define OTEL_RB_FN(s) ((s) + (strncmp((s), "otel_swig_", 10) == 0 ? 10 : 0))

/* The span box's type (OtelCore::Span; the GC releases a span collected
 * without finish, never ends it) and class (set at module init). */
extern const rb_data_type_t otel_rb_type_span;
extern VALUE otel_rb_class_span;

/* A handle argument: nil -> NULL; anything but a `type` object raises
 * TypeError "fn: expected <what or the type's name>, got <class>" (on
 * every handle argument: inline). */
static inline void *otel_rb_handle(VALUE v, const rb_data_type_t *type, const char *fn,
                                   const char *what) {
    if (NIL_P(v)) return NULL;
    if (!rb_typeddata_is_kind_of(v, type))
        rb_raise(rb_eTypeError, "%s: expected %s, got %s", fn, what ? what : type->wrap_struct_name,
                 rb_obj_classname(v));
    return DATA_PTR(v);
}

/* A name or attribute key: a String or Symbol as a C string (borrowed from
 * it); raises TypeError otherwise. */
const char *otel_rb_key(VALUE k, const char *fn);

/* An Integer as int64; raises ArgumentError when it does not fit. */
int64_t otel_rb_int64(VALUE v, const char *fn, const char *key);

/* The value `v` into `a`'s type and value: String or Symbol, true/false,
 * Integer (int64), Float (double), and Arrays of one of them, whose
 * elements go to a scratch String kept alive in *keep (an Array made when
 * needed; RB_GC_GUARD it for the call). Raises naming `key`. */
void otel_rb_value(VALUE v, otel_attr *a, VALUE *keep, const char *fn, const char *key);

/* A Hash of attributes into `buf` (OTEL_RB_STACK_ATTRS long; a scratch
 * String in *keep when it does not fit); nil: none. Raises TypeError on
 * anything else. */
const otel_attr *otel_rb_attrs(VALUE h, otel_attr *buf, size_t *n_out, VALUE *keep, const char *fn);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

/* type, GC free function and class of each handle type (expanded in the
 * wrapper) */
#define OTEL_RB_HANDLE(NAME, CLASS, CTYPE, FREE)                                    \
    static void otel_rb_free_##NAME(void *p) { FREE((CTYPE *)p); }                  \
    static const rb_data_type_t otel_rb_type_##NAME = {                              \
        .wrap_struct_name = "OtelCore::" #CLASS,                                     \
        .function = {.dfree = otel_rb_free_##NAME},                                  \
        .flags = RUBY_TYPED_FREE_IMMEDIATELY};                                       \
    static VALUE otel_rb_class_##NAME;
#define OTEL_RB_TYPE(NAME) (&otel_rb_type_##NAME)
#define OTEL_RB_CLASS(NAME) otel_rb_class_##NAME
#define OTEL_RB_DEFINE_CLASS(NAME, CLASS)                                              \
    do {                                                                             \
        otel_rb_class_##NAME = rb_define_class_under(rb_define_module("OtelCore"), #CLASS, rb_cObject); \
        rb_undef_alloc_func(otel_rb_class_##NAME);                                   \
    } while (0)

#endif /* OTEL_RUBY_H */
