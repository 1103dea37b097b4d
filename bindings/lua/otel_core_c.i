/* The Lua 5.4 low-level module (require "otel_core_c"): the typemaps the
 * shared interface (../swig/otel_core.i) asks for. Handles are full
 * userdata with a metatable per type ("otel_core.span", ...; __gc releases);
 * bindings/lua/otel_core.lua fills their __index with methods. The C
 * these typemaps call is in otel_lua.c (declared in otel_lua.h). */
%module otel_core_c

%{
/* the C behind these typemaps: otel_lua.c, built with the project's warnings */
#include <string.h>

#include "otel_lua.h"
%}

/* ---- typemaps the shared interface uses ---------------------------------- */

%define OTEL_HANDLE(NAME, CLASS, CTYPE, FREE)
%{ OTEL_LUA_HANDLE(NAME, CTYPE, FREE) %}
%typemap(in) CTYPE * %{
    $1 = (CTYPE *)otel_lua_udata(L, $input, OTEL_LUA_TNAME(NAME), "$symname", NULL);
    if ($1) $1 = *(CTYPE **)$1;
%}
%typemap(out) CTYPE * %{ otel_lua_push_handle(L, $1, OTEL_LUA_TNAME(NAME)); SWIG_arg++; %}
%init %{ otel_lua_newmt(L, OTEL_LUA_TNAME(NAME), OTEL_LUA_GC(NAME)); %}
%enddef

%typemap(in) otel_swig_span * %{
    $1 = (otel_swig_span *)otel_lua_udata(L, $input, otel_lua_tname_span, "$symname", NULL);
%}
/* always a span object (a NULL handle inside makes every call a no-op) */
%typemap(out) otel_swig_span %{
    *(otel_swig_span *)lua_newuserdatauv(L, sizeof(otel_swig_span), 0) = $1;
    otel_lua_setmt(L, otel_lua_tname_span);
    SWIG_arg++;
%}
%init %{
    otel_lua_pin();
    otel_lua_newmt(L, otel_lua_tname_span, otel_lua_gc_span);
%}

/* nil, a context, or a span (a context made for the call) */
%typemap(in) otel_context *PARENT (otel_context *made = NULL) %{
    if (lua_isnil(L, $input)) {
        $1 = NULL;
    } else if (otel_lua_test(L, $input, otel_lua_tname_span)) {
        $1 = made = otel_swig_span_context((otel_swig_span *)lua_touserdata(L, $input));
    } else {
        $1 = *(otel_context **)otel_lua_udata(L, $input, otel_lua_tname_context, "$symname",
                                                   "a span or otel_core.context");
    }
%}
%typemap(freearg) otel_context *PARENT %{ otel_context_release(made$argnum); %}

%typemap(in) (const otel_attr *attrs, size_t n_attrs) (otel_attr buf[OTEL_LUA_STACK_ATTRS]) %{
    $1 = ($1_ltype)otel_lua_attrs(L, $input, buf, &$2, "$symname");
%}

%typemap(in) const otel_attr *VALUE (otel_attr tmp, unsigned char *scratch = NULL) %{
    memset(&tmp, 0, sizeof tmp);
    if (otel_lua_array_bytes(L, $input)) scratch = (unsigned char *)lua_newuserdatauv(L, otel_lua_array_bytes(L, $input), 0);
    otel_lua_value(L, $input, &tmp, &scratch, "$symname", lua_tostring(L, $input - 1));
    $1 = &tmp;
%}

%typemap(in) const char *KEY %{
    if (lua_type(L, $input) != LUA_TSTRING)
        luaL_error(L, "$symname: a name or attribute key must be a string, got %s", otel_lua_typename(L, $input));
    $1 = (char *)lua_tostring(L, $input);
%}

%typemap(in) otel_swig_number %{
    if (lua_type(L, $input) != LUA_TNUMBER)
        luaL_error(L, "$symname: a measurement must be a number, got %s", luaL_typename(L, $input));
    $1.is_int = lua_isinteger(L, $input);
    $1.i = $1.is_int ? (int64_t)lua_tointeger(L, $input) : 0;
    $1.d = $1.is_int ? 0 : lua_tonumber(L, $input);
%}

/* Lua 5.4 integers are exact 64-bit: pass them as such, not through double */
%typemap(in, checkfn="lua_isinteger") int64_t %{ $1 = (int64_t)lua_tointeger(L, $input); %}

%include "../swig/otel_core.i"

/* metatable(name): the metatable of a handle type, for the Lua layer */
%native(metatable) int otel_lua_metatable(lua_State *L);
