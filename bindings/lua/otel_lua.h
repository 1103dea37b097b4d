/* The C behind the Lua module's typemaps (bindings/lua/otel_core_c.i):
 * handle userdata with a metatable per type, and Lua values into
 * otel_attr arrays. Defined in otel_lua.c, compiled with the project's
 * warnings; the macros expand in the wrapper SWIG generates. Every
 * function may raise a Lua error (longjmp) naming the function `fn`. */
#ifndef OTEL_LUA_H
#define OTEL_LUA_H

#include <lauxlib.h>
#include <lua.h>
#include <stddef.h>

#include "otel_swig.h"

#if defined(__GNUC__)
#pragma GCC visibility push(hidden) /* the module exports only luaopen_ */
#endif

/* attributes converted without allocating up to this many */
#define OTEL_LUA_STACK_ATTRS 16

/* the span box's type name (its address tags the metatable) */
extern const char otel_lua_tname_span[];

/* Keeps this module and libotel_core loaded until the process exits:
 * lua_close() unloads C modules, which would take the library away from
 * under its worker threads and thread-exit destructors. */
void otel_lua_pin(void);

/* A handle type's metatable, in the registry by name (luaL's way, for
 * __name in messages) and by the address of its name (a static array),
 * which it also carries at [1] as a light userdata: a type check reads
 * that slot (an array access) instead of hashing a name into the
 * registry on every argument. Pure Lua cannot make such a light userdata;
 * what moves metatables onto other userdata (debug.setmetatable) defeats
 * luaL_testudata just the same. */
void otel_lua_newmt(lua_State *L, const char *name, lua_CFunction gc);

/* The userdata at idx if its metatable is `tname`'s, else NULL (on every
 * handle argument: inline). */
static inline void *otel_lua_test(lua_State *L, int idx, const char *tname) {
    void *p = lua_touserdata(L, idx);
    if (!p || !lua_getmetatable(L, idx)) return NULL;
    int t = lua_rawgeti(L, -1, 1);
    const void *tag = t == LUA_TLIGHTUSERDATA ? lua_touserdata(L, -1) : NULL;
    lua_pop(L, 2);
    return tag == (const void *)tname ? p : NULL;
}

/* Sets the metatable of type `tname` on the value at the top. */
void otel_lua_setmt(lua_State *L, const char *tname);

/* The type of the value at idx for messages: a handle's type name, or
 * Lua's. */
const char *otel_lua_typename(lua_State *L, int idx);

/* A handle argument: nil -> NULL; anything but a `tname` userdata raises
 * "fn: expected <what or tname>, got <type>". */
void *otel_lua_udata(lua_State *L, int idx, const char *tname, const char *fn, const char *what);

/* Pushes a new userdata holding `h` with `tname`'s metatable (nil for NULL). */
void otel_lua_push_handle(lua_State *L, void *h, const char *tname);

/* The span box's __gc: a span collected without finish is released,
 * never ended. */
int otel_lua_gc_span(lua_State *L);

/* Scratch bytes an array value at idx needs (0 for anything else). */
size_t otel_lua_array_bytes(lua_State *L, int idx);

/* The value at `idx` (absolute) into `a`'s type and value: strings,
 * booleans, integers (int64), floats (double), and arrays (sequences) of
 * one of them, whose elements go to *scratch (otel_lua_array_bytes of
 * room). Raises naming `key`. */
void otel_lua_value(lua_State *L, int idx, otel_attr *a, unsigned char **scratch, const char *fn,
                    const char *key);

/* A table of attributes at `idx` into `buf` (OTEL_LUA_STACK_ATTRS long),
 * in one pass over the table; what does not fit (more attributes, array
 * elements) goes to scratch userdata left on the stack below the
 * traversal until the call returns. nil: none. Raises on anything else. */
const otel_attr *otel_lua_attrs(lua_State *L, int idx, otel_attr *buf, size_t *n_out, const char *fn);

/* metatable(name): the metatable of handle type otel_core.<name>, for the
 * Lua layer (a %native function). */
int otel_lua_metatable(lua_State *L);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

/* __gc and type name of each handle type (expanded in the wrapper). A
 * __gc is reachable from Lua (getmetatable(x).__gc(y)): it checks that its
 * argument is its own type and does nothing otherwise. */
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

#endif /* OTEL_LUA_H */
