/* The C behind the Ruby module's typemaps (otel_ruby.h documents each
 * function); compiled with the project's warnings. */
#include "otel_ruby.h"

#include <string.h>

static void otel_rb_span_free(void *p) {
    otel_swig_span *b = (otel_swig_span *)p;
    otel_span_release(b->s); /* collected without finish: released, never ended */
    xfree(b);
}
static size_t otel_rb_span_size(const void *p) {
    (void)p;
    return sizeof(otel_swig_span);
}
const rb_data_type_t otel_rb_type_span = {
    .wrap_struct_name = "OtelCore::Span",
    .function = {.dfree = otel_rb_span_free, .dsize = otel_rb_span_size},
    .flags = RUBY_TYPED_FREE_IMMEDIATELY};
VALUE otel_rb_class_span;

const char *otel_rb_key(VALUE k, const char *fn) {
    if (RB_TYPE_P(k, T_SYMBOL)) k = rb_sym2str(k);
    if (!RB_TYPE_P(k, T_STRING))
        rb_raise(rb_eTypeError, "%s: a name or attribute key must be a String or Symbol, not %s", fn,
                 rb_obj_classname(k));
    return StringValueCStr(k);
}

int64_t otel_rb_int64(VALUE v, const char *fn, const char *key) {
    if (FIXNUM_P(v)) return (int64_t)FIX2LONG(v);
    int64_t out = 0;
    int r = rb_integer_pack(v, &out, 1, sizeof out, 0, INTEGER_PACK_LSWORD_FIRST | INTEGER_PACK_NATIVE_BYTE_ORDER | INTEGER_PACK_2COMP);
    /* the sign must survive the packing too (2^63 packs as a negative) */
    if (r == 2 || r == -2 || (r > 0 && out <= 0) || (r < 0 && out >= 0)) rb_raise(rb_eArgError, "%s: %s: %" PRIsVALUE " does not fit in int64", fn, key, v);
    return out;
}

void otel_rb_value(VALUE v, otel_attr *a, VALUE *keep, const char *fn, const char *key) {
    switch (TYPE(v)) {
    case T_SYMBOL:
        v = rb_sym2str(v);
        /* fall through */
    case T_STRING:
        a->type = OTEL_VALUE_STRING;
        a->ptr = RSTRING_PTR(v);
        a->len = (size_t)RSTRING_LEN(v);
        return;
    case T_TRUE:
    case T_FALSE:
        a->type = OTEL_VALUE_BOOL;
        a->bool_value = v == Qtrue;
        return;
    case T_FIXNUM:
    case T_BIGNUM:
        a->type = OTEL_VALUE_INT64;
        a->int_value = otel_rb_int64(v, fn, key);
        return;
    case T_FLOAT:
        a->type = OTEL_VALUE_DOUBLE;
        a->double_value = RFLOAT_VALUE(v);
        return;
    case T_ARRAY: {
        long n = RARRAY_LEN(v);
        int et = T_STRING, all_int = 1;
        for (long i = 0; i < n; i++) {
            VALUE e = RARRAY_AREF(v, i);
            int t = TYPE(e);
            if (t == T_SYMBOL) t = T_STRING;
            if (t == T_FALSE) t = T_TRUE;
            if (t == T_BIGNUM) t = T_FIXNUM;
            if (t == T_FLOAT) all_int = 0, t = T_FIXNUM;
            if (i == 0) et = t;
            if (t != et || (t != T_STRING && t != T_TRUE && t != T_FIXNUM))
                rb_raise(rb_eTypeError, "%s: attribute %s: array elements must all be Strings, booleans or numbers",
                         fn, key);
        }
        VALUE buf = rb_str_buf_new((long)sizeof(otel_str) * (n ? n : 1));
        if (NIL_P(*keep)) *keep = rb_ary_new();
        rb_ary_push(*keep, buf);
        unsigned char *p = (unsigned char *)RSTRING_PTR(buf);
        for (long i = 0; i < n; i++) {
            VALUE e = RARRAY_AREF(v, i);
            if (et == T_STRING) {
                if (RB_TYPE_P(e, T_SYMBOL)) e = rb_sym2str(e);
                ((otel_str *)p)[i].ptr = RSTRING_PTR(e);
                ((otel_str *)p)[i].len = (size_t)RSTRING_LEN(e);
            } else if (et == T_TRUE) {
                ((int *)p)[i] = e == Qtrue;
            } else if (all_int) {
                ((int64_t *)p)[i] = otel_rb_int64(e, fn, key);
            } else {
                ((double *)p)[i] = NUM2DBL(e);
            }
        }
        a->type = et == T_STRING ? OTEL_VALUE_STRING_ARRAY
                  : et == T_TRUE ? OTEL_VALUE_BOOL_ARRAY
                  : all_int      ? OTEL_VALUE_INT64_ARRAY
                                 : OTEL_VALUE_DOUBLE_ARRAY;
        a->ptr = p;
        a->len = (size_t)n;
        return;
    }
    default:
        rb_raise(rb_eTypeError, "%s: attribute %s: unsupported type %s (String, Symbol, true, false, Integer, Float or an Array of them)",
                 fn, key, rb_obj_classname(v));
    }
}

typedef struct otel_rb_attr_state {
    otel_attr *items;
    size_t n;
    VALUE keep;
    const char *fn;
} otel_rb_attr_state;

static int otel_rb_attr_i(VALUE k, VALUE v, VALUE arg) {
    otel_rb_attr_state *st = (otel_rb_attr_state *)arg;
    otel_attr *a = &st->items[st->n];
    memset(a, 0, sizeof *a);
    a->key = otel_rb_key(k, st->fn);
    a->key_len = strlen(a->key);
    otel_rb_value(v, a, &st->keep, st->fn, a->key);
    st->n++;
    return ST_CONTINUE;
}

const otel_attr *otel_rb_attrs(VALUE h, otel_attr *buf, size_t *n_out, VALUE *keep,
                               const char *fn) {
    *n_out = 0;
    if (NIL_P(h)) return NULL;
    if (!RB_TYPE_P(h, T_HASH)) rb_raise(rb_eTypeError, "%s: attributes must be a Hash, not %s", fn, rb_obj_classname(h));
    long n = RHASH_SIZE(h);
    if (n == 0) return NULL;
    otel_rb_attr_state st = {buf, 0, Qnil, fn};
    if (n > OTEL_RB_STACK_ATTRS) {
        st.keep = rb_ary_new();
        VALUE mem = rb_str_buf_new((long)sizeof(otel_attr) * n);
        rb_ary_push(st.keep, mem);
        st.items = (otel_attr *)RSTRING_PTR(mem);
    }
    rb_hash_foreach(h, otel_rb_attr_i, (VALUE)&st);
    *keep = st.keep;
    *n_out = st.n;
    return st.items;
}
