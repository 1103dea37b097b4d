/* The Lua 5.4 low-level module (require "otel_core_c"): the typemaps the
 * shared interface (../swig/otel_core.i) asks for. Handles are full
 * userdata with a metatable per type ("otel_core.span", ...; __gc releases);
 * bindings/lua/otel_core.lua fills their __index with methods. */
%module otel_core_c

%begin %{
#define _GNU_SOURCE /* dladdr */
%}

%{
#include <dlfcn.h>
#include <lauxlib.h>
#include <lua.h>
#include <otel/otel.h>
#include "otel_swig.h"

/* attributes converted without allocating up to this many */
#define OTEL_LUA_STACK_ATTRS 16

/* lua_close() unloads C modules, and this one would take libotel_core
 * with it while its worker threads run and its thread-exit destructors are
 * registered: keep both loaded until the process exits. */
static void otel_lua_pin(void) {
    Dl_info info;
    if (dladdr((void *)&otel_lua_pin, &info) && info.dli_fname)
        (void)dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
}

/* A handle type's metatable, in the registry by name (luaL's way, for
 * __name in messages) and by the address of its name (a static array),
 * which it also carries at [1] as a light userdata: a type check reads
 * that slot (an array access) instead of hashing a name into the
 * registry on every argument. Pure Lua cannot make such a light userdata;
 * what moves metatables onto other userdata (debug.setmetatable) defeats
 * luaL_testudata just the same. */
static void otel_lua_newmt(lua_State *L, const char *name, lua_CFunction gc) {
    luaL_newmetatable(L, name);
    lua_pushcfunction(L, gc);
    lua_setfield(L, -2, "__gc");
    lua_pushlightuserdata(L, (void *)name);
    lua_rawseti(L, -2, 1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, name);
}

/* The userdata at idx if its metatable is `tname`'s, else NULL. */
static void *otel_lua_test(lua_State *L, int idx, const char *tname) {
    void *p = lua_touserdata(L, idx);
    if (!p || !lua_getmetatable(L, idx)) return NULL;
    int t = lua_rawgeti(L, -1, 1);
    const void *tag = t == LUA_TLIGHTUSERDATA ? lua_touserdata(L, -1) : NULL;
    lua_pop(L, 2);
    return tag == (const void *)tname ? p : NULL;
}

static void otel_lua_setmt(lua_State *L, const char *tname) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, tname);
    lua_setmetatable(L, -2);
}

static const char otel_lua_tname_span[] = "otel_core.span";

/* The type of the value at idx for messages: a handle's type name, or
 * Lua's. */
static const char *otel_lua_typename(lua_State *L, int idx) {
    if (luaL_getmetafield(L, idx, "__name") == LUA_TSTRING) {
        const char *n = lua_tostring(L, -1); /* the registry keeps it */
        lua_pop(L, 1);
        return n;
    }
    return luaL_typename(L, idx);
}

/* A handle argument: nil -> NULL; anything but a `tname` userdata raises. */
static void *otel_lua_udata(lua_State *L, int idx, const char *tname, const char *fn, const char *what) {
    if (lua_isnil(L, idx)) return NULL;
    void *p = otel_lua_test(L, idx, tname);
    if (!p) luaL_error(L, "%s: expected %s, got %s", fn, what ? what : tname, otel_lua_typename(L, idx));
    return p;
}

static void otel_lua_push_handle(lua_State *L, void *h, const char *tname) {
    if (!h) {
        lua_pushnil(L);
        return;
    }
    *(void **)lua_newuserdatauv(L, sizeof(void *), 0) = h;
    otel_lua_setmt(L, tname);
}

/* __gc and type name of each handle type. A __gc is reachable from Lua
 * (getmetatable(x).__gc(y)): it checks that its argument is its own type
 * and does nothing otherwise. */
#define OTEL_LUA_HANDLE(NAME, CTYPE, FREE)                                     \
    static const char otel_lua_tname_##NAME[] = "otel_core." #NAME;            \
    static int otel_lua_gc_##NAME(lua_State *L) {                              \
        CTYPE **p = (CTYPE **)otel_lua_test(L, 1, otel_lua_tname_##NAME);      \
        if (p && *p) {                                                         \
            FREE(*p);                                                          \
            *p = NULL;                                                         \
        }                                                                      \
        return 0;                                                              \
    }
#define OTEL_LUA_TNAME(NAME) otel_lua_tname_##NAME
#define OTEL_LUA_GC(NAME) otel_lua_gc_##NAME

static int otel_lua_gc_span(lua_State *L) {
    otel_swig_span *b = (otel_swig_span *)otel_lua_test(L, 1, otel_lua_tname_span);
    if (b && b->s) { /* collected without finish: released, never ended */
        otel_span_release(b->s);
        b->s = NULL;
    }
    return 0;
}

/* Scratch bytes an array value needs (0 for anything else). */
static size_t otel_lua_array_bytes(lua_State *L, int idx) {
    return lua_type(L, idx) == LUA_TTABLE ? lua_rawlen(L, idx) * sizeof(otel_str) : 0;
}

/* The value at `idx` (absolute) into `a`'s type and value: strings,
 * booleans, integers (int64), floats (double), and arrays (sequences) of
 * one of them, whose elements go to *scratch. Raises naming `key`. */
static void otel_lua_value(lua_State *L, int idx, otel_attr *a, unsigned char **scratch,
                           const char *fn, const char *key) {
    switch (lua_type(L, idx)) {
    case LUA_TSTRING:
        a->type = OTEL_VALUE_STRING;
        a->ptr = lua_tolstring(L, idx, &a->len);
        return;
    case LUA_TBOOLEAN:
        a->type = OTEL_VALUE_BOOL;
        a->bool_value = lua_toboolean(L, idx);
        return;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            a->type = OTEL_VALUE_INT64;
            a->int_value = (int64_t)lua_tointeger(L, idx);
        } else {
            a->type = OTEL_VALUE_DOUBLE;
            a->double_value = lua_tonumber(L, idx);
        }
        return;
    case LUA_TTABLE: {
        size_t n = lua_rawlen(L, idx), entries = 0;
        lua_pushnil(L);
        while (lua_next(L, idx)) {
            entries++;
            lua_pop(L, 1);
        }
        if (entries != n) luaL_error(L, "%s: attribute '%s': a table value must be an array (a sequence)", fn, key);
        int et = LUA_TSTRING, all_int = 1;
        for (size_t i = 1; i <= n; i++) {
            int t = lua_rawgeti(L, idx, (lua_Integer)i);
            if (i == 1) et = t;
            if (t != et || (t != LUA_TSTRING && t != LUA_TBOOLEAN && t != LUA_TNUMBER))
                luaL_error(L, "%s: attribute '%s': array elements must all be strings, booleans or numbers", fn, key);
            if (t == LUA_TNUMBER && !lua_isinteger(L, -1)) all_int = 0;
            lua_pop(L, 1);
        }
        unsigned char *p = *scratch;
        a->ptr = p;
        a->len = n;
        for (size_t i = 0; i < n; i++) {
            lua_rawgeti(L, idx, (lua_Integer)i + 1);
            if (et == LUA_TSTRING) {
                otel_str *s = (otel_str *)p + i;
                s->ptr = lua_tolstring(L, -1, &s->len); /* the array keeps the string alive */
            } else if (et == LUA_TBOOLEAN) {
                ((int *)p)[i] = lua_toboolean(L, -1);
            } else if (all_int) {
                ((int64_t *)p)[i] = (int64_t)lua_tointeger(L, -1);
            } else {
                ((double *)p)[i] = lua_tonumber(L, -1);
            }
            lua_pop(L, 1);
        }
        a->type = et == LUA_TSTRING    ? OTEL_VALUE_STRING_ARRAY
                  : et == LUA_TBOOLEAN ? OTEL_VALUE_BOOL_ARRAY
                  : all_int            ? OTEL_VALUE_INT64_ARRAY
                                       : OTEL_VALUE_DOUBLE_ARRAY;
        *scratch = p + n * sizeof(otel_str);
        return;
    }
    default:
        luaL_error(L, "%s: attribute '%s' must be a string, boolean, number or an array of them, got %s",
                   fn, key, otel_lua_typename(L, idx));
    }
}

/* A table of attributes at `idx` into `buf`, in one pass over the table;
 * what does not fit (more than OTEL_LUA_STACK_ATTRS, array elements) goes
 * to scratch userdata left on the stack below the traversal until the call
 * returns. nil: none. Raises on anything else. */
static const otel_attr *otel_lua_attrs(lua_State *L, int idx, otel_attr *buf, size_t *n_out,
                                       const char *fn) {
    *n_out = 0;
    if (lua_isnoneornil(L, idx)) return NULL;
    if (!lua_istable(L, idx)) luaL_error(L, "%s: attributes must be a table, got %s", fn, luaL_typename(L, idx));
    idx = lua_absindex(L, idx);
    otel_attr *attrs = buf;
    size_t n = 0, cap = OTEL_LUA_STACK_ATTRS;
    lua_pushnil(L);
    while (lua_next(L, idx)) { /* key at -2, value at -1 */
        if (lua_type(L, -2) != LUA_TSTRING)
            luaL_error(L, "%s: attribute keys must be strings, got %s", fn, luaL_typename(L, -2));
        if (n == cap) {
            otel_attr *grown = (otel_attr *)lua_newuserdatauv(L, 2 * cap * sizeof(otel_attr), 0);
            memcpy(grown, attrs, n * sizeof *attrs);
            attrs = grown;
            cap *= 2;
            lua_rotate(L, -3, 1); /* below the key: the traversal goes on */
        }
        otel_attr *a = &attrs[n++];
        memset(a, 0, sizeof *a);
        a->key = lua_tolstring(L, -2, &a->key_len); /* a string: no conversion */
        unsigned char *scratch = NULL;
        size_t bytes = otel_lua_array_bytes(L, -1);
        if (bytes) {
            scratch = (unsigned char *)lua_newuserdatauv(L, bytes, 0);
            lua_rotate(L, -3, 1);
        }
        otel_lua_value(L, lua_gettop(L), a, &scratch, fn, a->key);
        lua_pop(L, 1);
    }
    *n_out = n;
    return n ? attrs : NULL;
}
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
%{
static int otel_lua_metatable(lua_State *L) {
    const char *name = luaL_checkstring(L, 1);
    lua_pushfstring(L, "otel_core.%s", name);
    if (luaL_getmetatable(L, lua_tostring(L, -1)) != LUA_TTABLE)
        return luaL_error(L, "metatable: no handle type %s", name);
    return 1;
}
%}
