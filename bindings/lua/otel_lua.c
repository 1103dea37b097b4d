/* The C behind the Lua module's typemaps (otel_lua.h documents each
 * function); compiled with the project's warnings. */
#define _GNU_SOURCE /* dladdr */
#include "otel_lua.h"

#include <dlfcn.h>
#include <string.h>

const char otel_lua_tname_span[] = "otel_core.span";

void otel_lua_pin(void) {
    Dl_info info;
    /* any address inside this module names it (data: ISO C has no
     * function-to-object pointer conversion) */
    if (dladdr(otel_lua_tname_span, &info) && info.dli_fname)
        (void)dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
}

void otel_lua_newmt(lua_State *L, const char *name, lua_CFunction gc) {
    luaL_newmetatable(L, name);
    lua_pushcfunction(L, gc);
    lua_setfield(L, -2, "__gc");
    lua_pushlightuserdata(L, (void *)name);
    lua_rawseti(L, -2, 1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, name);
}

void otel_lua_setmt(lua_State *L, const char *tname) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, tname);
    lua_setmetatable(L, -2);
}


const char *otel_lua_typename(lua_State *L, int idx) {
    if (luaL_getmetafield(L, idx, "__name") == LUA_TSTRING) {
        const char *n = lua_tostring(L, -1); /* the registry keeps it */
        lua_pop(L, 1);
        return n;
    }
    return luaL_typename(L, idx);
}

void *otel_lua_udata(lua_State *L, int idx, const char *tname, const char *fn, const char *what) {
    if (lua_isnil(L, idx)) return NULL;
    void *p = otel_lua_test(L, idx, tname);
    if (!p) luaL_error(L, "%s: expected %s, got %s", fn, what ? what : tname, otel_lua_typename(L, idx));
    return p;
}

void otel_lua_push_handle(lua_State *L, void *h, const char *tname) {
    if (!h) {
        lua_pushnil(L);
        return;
    }
    *(void **)lua_newuserdatauv(L, sizeof(void *), 0) = h;
    otel_lua_setmt(L, tname);
}

int otel_lua_gc_span(lua_State *L) {
    otel_swig_span *b = (otel_swig_span *)otel_lua_test(L, 1, otel_lua_tname_span);
    if (b && b->s) { /* collected without finish: released, never ended */
        otel_span_release(b->s);
        b->s = NULL;
    }
    return 0;
}

size_t otel_lua_array_bytes(lua_State *L, int idx) {
    return lua_type(L, idx) == LUA_TTABLE ? lua_rawlen(L, idx) * sizeof(otel_str) : 0;
}

void otel_lua_value(lua_State *L, int idx, otel_attr *a, unsigned char **scratch,
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

const otel_attr *otel_lua_attrs(lua_State *L, int idx, otel_attr *buf, size_t *n_out,
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

int otel_lua_metatable(lua_State *L) {
    const char *name = luaL_checkstring(L, 1);
    lua_pushfstring(L, "otel_core.%s", name);
    if (luaL_getmetatable(L, lua_tostring(L, -1)) != LUA_TTABLE)
        return luaL_error(L, "metatable: no handle type %s", name);
    return 1;
}
