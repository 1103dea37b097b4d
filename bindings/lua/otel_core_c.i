/* The Lua low-level module (require "otel_core_c"); see ../swig/otel_core.i. */
%module otel_core_c

/* Lua 5.4 integers are exact 64-bit: pass them as such, not through double */
%typemap(in, checkfn="lua_isinteger") int64_t %{ $1 = (int64_t)lua_tointeger(L, $input); %}

%include "../swig/otel_core.i"
