/* The Ruby low-level module (require "otel_core_native"): the typemaps the
 * shared interface (../swig/otel_core.i) asks for. Handles are typed data
 * objects of classes defined here under OtelCore (Span, Context, Tracer,
 * ...; the GC releases them); bindings/ruby/lib/otel_core.rb adds methods.
 * The C these typemaps call is in otel_ruby.c (declared in otel_ruby.h). */
%module otel_core_native

%{
/* the C behind these typemaps: otel_ruby.c, built with the project's warnings */
#include <string.h>

#include "otel_ruby.h"
%}

/* ---- typemaps the shared interface uses ---------------------------------- */

%define OTEL_HANDLE(NAME, CLASS, CTYPE, FREE)
%{ OTEL_RB_HANDLE(NAME, CLASS, CTYPE, FREE) %}
%typemap(in) CTYPE * %{ $1 = (CTYPE *)otel_rb_handle($input, OTEL_RB_TYPE(NAME), OTEL_RB_FN("$symname"), NULL); %}
%typemap(out) CTYPE * %{ $result = $1 ? TypedData_Wrap_Struct(OTEL_RB_CLASS(NAME), OTEL_RB_TYPE(NAME), $1) : Qnil; %}
%init %{ OTEL_RB_DEFINE_CLASS(NAME, CLASS); %}
%enddef

%typemap(in) otel_swig_span * %{
    $1 = (otel_swig_span *)otel_rb_handle($input, &otel_rb_type_span, OTEL_RB_FN("$symname"), NULL);
%}
/* always a Span (a NULL handle inside makes every call a no-op) */
%typemap(out) otel_swig_span (otel_swig_span *box) %{
    $result = TypedData_Make_Struct(otel_rb_class_span, otel_swig_span, &otel_rb_type_span, box);
    *box = $1;
%}
%init %{ OTEL_RB_DEFINE_CLASS(span, Span); %}

/* nil, a Context, or a Span (a context made for the call) */
%typemap(in) otel_context *PARENT (otel_context *made = NULL) %{
    if (rb_typeddata_is_kind_of($input, &otel_rb_type_span))
        $1 = made = otel_swig_span_context((otel_swig_span *)DATA_PTR($input));
    else
        $1 = (otel_context *)otel_rb_handle($input, OTEL_RB_TYPE(context), OTEL_RB_FN("$symname"),
                                            "OtelCore::Span or OtelCore::Context");
%}
%typemap(freearg) otel_context *PARENT %{ otel_context_release(made$argnum); %}

%typemap(in) (const otel_attr *attrs, size_t n_attrs) (otel_attr buf[OTEL_RB_STACK_ATTRS], VALUE keep = Qnil) %{
    $1 = ($1_ltype)otel_rb_attrs($input, buf, &$2, &keep, OTEL_RB_FN("$symname"));
%}
%typemap(freearg) (const otel_attr *attrs, size_t n_attrs) %{ RB_GC_GUARD(keep$argnum); %}

%typemap(in) const otel_attr *VALUE (otel_attr tmp, VALUE keep = Qnil) %{
    memset(&tmp, 0, sizeof tmp);
    otel_rb_value($input, &tmp, &keep, OTEL_RB_FN("$symname"), "value");
    $1 = &tmp;
%}
%typemap(freearg) const otel_attr *VALUE %{ RB_GC_GUARD(keep$argnum); %}

%typemap(in) const char *KEY %{ $1 = (char *)otel_rb_key($input, OTEL_RB_FN("$symname")); %}

%typemap(in) otel_swig_number %{
    if (FIXNUM_P($input) || RB_TYPE_P($input, T_BIGNUM)) {
        $1.is_int = 1;
        $1.i = otel_rb_int64($input, OTEL_RB_FN("$symname"), "measurement");
        $1.d = 0;
    } else if (RB_FLOAT_TYPE_P($input)) {
        $1.is_int = 0;
        $1.i = 0;
        $1.d = RFLOAT_VALUE($input);
    } else {
        rb_raise(rb_eTypeError, "%s: a measurement must be Numeric, not %s", OTEL_RB_FN("$symname"), rb_obj_classname($input));
    }
%}

/* names (span, event, option, header) as well as keys: String or Symbol */
%apply const char *KEY { const char *name };

%include "../swig/otel_core.i"
