-- busted suite for the Lua binding: spans, attributes from tables, errors,
-- with_span, propagation and what the exporter wrote (OTLP/JSON lines).
local otel = require("otel_core")
local json = require("dkjson")

local path = os.tmpname()

local function spans()
  assert.is_true(otel.force_flush(5000))
  local out = {}
  for line in io.lines(path) do
    local doc = json.decode(line)
    for _, rs in ipairs(doc.resourceSpans) do
      for _, ss in ipairs(rs.scopeSpans) do
        for _, s in ipairs(ss.spans) do
          s.scope = ss.scope.name
          out[s.name] = s
        end
      end
    end
  end
  return out
end

local function attr(span, key)
  for _, a in ipairs(span.attributes or {}) do
    if a.key == key then return a.value end
  end
end

describe("otel_core for Lua", function()
  before_each(function()
    io.open(path, "w"):close()
    otel.configure({ core_exporter_file_path = path, traces_sampler = "always_on",
                     service_name = "lua-test" })
  end)

  it("makes spans with attributes of every Lua type, events and status", function()
    local t = otel.tracer("lua.test", "1.0")
    local s = t:start_span("op", { kind = "client", attributes = { i = 42, f = 2.5, s = "x", b = true } })
    s:set_attribute("later", 7)
    s:add_event("ev", { n = 1 })
    s:set_status("error", "bad")
    assert.is_true(s:is_recording())
    s:finish()
    assert.is_false(s:is_recording())
    local got = spans().op
    assert.are.equal("lua.test", got.scope)
    assert.are.equal(3, got.kind)
    assert.are.same({ intValue = "42" }, attr(got, "i"))
    assert.are.same({ doubleValue = 2.5 }, attr(got, "f"))
    assert.are.same({ stringValue = "x" }, attr(got, "s"))
    assert.are.same({ boolValue = true }, attr(got, "b"))
    assert.are.same({ intValue = "7" }, attr(got, "later"))
    assert.are.equal("ev", got.events[1].name)
    assert.are.equal(2, got.status.code)
  end)

  it("with_span nests, ends, and records an error then raises it again", function()
    local t = otel.tracer("lua.test")
    local ok, err = pcall(function()
      t:with_span("outer", function(outer)
        t:with_span("inner", function() end)
        error("boom")
      end)
    end)
    assert.is_false(ok)
    assert.truthy(tostring(err):find("boom"))
    local got = spans()
    assert.are.equal(got.outer.spanId, got.inner.parentSpanId)
    assert.are.equal(got.outer.traceId, got.inner.traceId)
    assert.are.equal(2, got.outer.status.code)
    assert.are.equal("exception", got.outer.events[1].name)
    assert.are.equal(42, t:with_span("value", function() return 42 end))
  end)

  it("injects and extracts through header tables", function()
    local t = otel.tracer("lua.test")
    local client = t:start_span("client")
    local headers = otel.inject({}, client)
    assert.truthy(headers.traceparent:match("^00%-" .. client:trace_id() .. "%-" .. client:span_id()))
    client:finish()
    local parent = otel.extract({ TraceParent = headers.traceparent })
    t:start_span("server", { kind = "server", parent = parent }):finish()
    local got = spans()
    assert.are.equal(got.client.spanId, got.server.parentSpanId)
  end)

  it("keeps integers exact, floats as doubles, and takes arrays of one type", function()
    local t = otel.tracer("lua.test")
    local s = t:start_span("arrays", { attributes = {
      big = 9007199254740993, min = math.mininteger, whole = 3.0,
      strs = { "a", "b" }, ints = { 1, 2, 3 }, mixed = { 1, 2.5 }, flags = { true, false }, none = {},
    } })
    s:set_attribute("later", { "x" })
    s:set_attributes({ more = 1.5 })
    s:finish()
    local got = spans().arrays
    assert.are.same({ intValue = "9007199254740993" }, attr(got, "big"))
    assert.are.same({ intValue = tostring(math.mininteger) }, attr(got, "min"))
    assert.are.same({ doubleValue = 3.0 }, attr(got, "whole"))
    assert.are.same({ arrayValue = { values = { { stringValue = "a" }, { stringValue = "b" } } } }, attr(got, "strs"))
    assert.are.same({ arrayValue = { values = { { intValue = "1" }, { intValue = "2" }, { intValue = "3" } } } },
      attr(got, "ints"))
    assert.are.same({ arrayValue = { values = { { doubleValue = 1 }, { doubleValue = 2.5 } } } }, attr(got, "mixed"))
    assert.are.same({ arrayValue = { values = { { boolValue = true }, { boolValue = false } } } }, attr(got, "flags"))
    assert.are.same({ arrayValue = { values = { { stringValue = "x" } } } }, attr(got, "later"))
    assert.are.same({ doubleValue = 1.5 }, attr(got, "more"))
    assert.is_not_nil(attr(got, "none"))
  end)

  it("keeps ids after finish, links to finished spans, ends at the end of a <close> scope", function()
    local t = otel.tracer("lua.test")
    local first = t:start_span("first")
    local id = first:span_id()
    first:finish()
    assert.are.equal(id, first:span_id())
    do
      local second <close> = t:start_span("second")
      second:add_link(first, { why = "retry" })
    end
    local got = spans()
    assert.are.equal(got.first.spanId, got.second.links[1].spanId)
    assert.are.equal(got.first.traceId, got.second.links[1].traceId)
    assert.are.same({ stringValue = "retry" }, attr(got.second.links[1], "why"))
  end)

  it("raises clear errors for wrong argument types", function()
    local t = otel.tracer("lua.test")
    assert.has_error(function() t:start_span(42) end, "span name must be a string, got number")
    assert.has_error(function() t:start_span("x", { kind = "sideways" }) end)
    local function fails(fn, pattern)
      local ok, err = pcall(fn)
      assert.is_false(ok)
      assert.truthy(tostring(err):find(pattern, 1, true), tostring(err))
    end
    fails(function() t:start_span("x", { attributes = { k = { {} } } }) end, "array elements must all be")
    fails(function() t:start_span("x", { attributes = { k = { a = 1 } } }) end, "must be an array")
    fails(function() t:start_span("x", { attributes = { 1, 2 } }) end, "attribute keys must be strings")
    fails(function() t:start_span("x", { attributes = "k=v" }) end, "attributes must be a table, got string")
    fails(function() t:start_span("x", { parent = t }) end, "start_span: expected a span or otel_core.context, got otel_core.tracer")
    local s = t:start_span("x")
    fails(function() s:set_attribute("k", function() end) end, "attribute 'k' must be a string, boolean, number")
    fails(function() s:set_attribute(1, 1) end, "key must be a string, got number")
    fails(function() s:add_link("span") end, "add_link: expected otel_core.span, got string")
    fails(function() s.finish(t) end, "end_span: expected otel_core.span, got otel_core.tracer")
    fails(function() t.start_span(s, "x") end, "start_span: expected otel_core.tracer, got otel_core.span")
    assert.has_error(function() s:set_status("weird") end)
    assert.has_error(function() otel.extract("nope") end)
    s:finish()
    s:finish() -- ignored
    s:set_attribute("after", 1) -- ignored
  end)

  it("raises the very error fn raised, whatever it is, and always ends the span", function()
    local t = otel.tracer("lua.test")
    local ended = otel.stat("spans_ended")
    local ok, err = pcall(t.with_span, t, "plain", function() error("boom", 0) end)
    assert.is_false(ok)
    assert.are.equal("boom", err) -- no traceback or position added
    local obj = { code = 7 }
    ok, err = pcall(t.with_span, t, "table", function() error(obj) end)
    assert.are.equal(obj, err)
    ok, err = pcall(t.with_span, t, "nil", function() error(nil) end)
    assert.is_false(ok)
    assert.is_nil(err)
    local odd = setmetatable({}, { __tostring = function() error("no tostring") end })
    ok, err = pcall(t.with_span, t, "odd", function() error(odd) end)
    assert.are.equal(odd, err)
    assert.are.equal(ended + 4, otel.stat("spans_ended"))
    local got = spans()
    assert.are.equal(2, got.plain.status.code)
    local ev = got.plain.events[1]
    local message, trace
    for _, a in ipairs(ev.attributes) do
      if a.key == "exception.message" then message = a.value.stringValue end
      if a.key == "exception.stacktrace" then trace = a.value.stringValue end
    end
    assert.are.equal("boom", message)
    assert.truthy(trace:find("traceback", 1, true))
    assert.are.equal(2, got.odd.status.code)
  end)

  it("keeps the current span per coroutine, never leaking one across a yield", function()
    local t = otel.tracer("lua.test")
    local c = require("otel_core_c")
    -- a coroutine suspended inside with_span (a request waiting on I/O)
    local a = coroutine.create(function()
      t:with_span("a.outer", function()
        coroutine.yield()
        t:start_span("a.inner"):finish() -- still a.outer's child after the yield
      end)
    end)
    assert(coroutine.resume(a))
    -- meanwhile, elsewhere: nothing of a's is current
    assert.are.equal(("0"):rep(32), c.trace_id(c.current_span()))
    t:start_span("main.alone"):finish()
    local b = coroutine.create(function()
      t:with_span("b.outer", function() t:start_span("b.inner"):finish() end)
    end)
    assert(coroutine.resume(b))
    assert(coroutine.resume(a))
    -- abandoned in the middle: collected with its stack, nothing stays current
    local d = coroutine.create(function() t:with_span("d", function() coroutine.yield() end) end)
    assert(coroutine.resume(d))
    d = nil
    collectgarbage("collect")
    local got = spans()
    assert.are.equal(got["a.outer"].spanId, got["a.inner"].parentSpanId)
    assert.are.equal(got["b.outer"].spanId, got["b.inner"].parentSpanId)
    assert.is_nil(got["main.alone"].parentSpanId)
    assert.are_not.equal(got["a.outer"].traceId, got["b.outer"].traceId)
    -- the main coroutine's with_span is current in C too; c_attached does it by hand
    t:with_span("main.outer", function(s)
      assert.are.equal(s:span_id(), c.span_id(c.current_span()))
    end)
    local e = coroutine.wrap(function()
      t:with_span("e", function(s)
        assert.are.equal(("0"):rep(16), c.span_id(c.current_span()))
        otel.c_attached(s, function() assert.are.equal(s:span_id(), c.span_id(c.current_span())) end)
        assert.are.equal(s:span_id(), otel.current_span():span_id())
      end)
    end)
    e()
  end)

  it("survives handle finalizers called by hand on the wrong objects", function()
    local t = otel.tracer("lua.test")
    local s = t:start_span("victim")
    getmetatable(t).__gc(s)         -- a tracer's finalizer on a span: nothing
    getmetatable(s).__gc(t)         -- a span's finalizer on a tracer: nothing
    getmetatable(t).__gc(io.stdout) -- on a file: nothing
    getmetatable(s).__gc({})
    s:set_attribute("still", "alive")
    s:finish()
    assert.is_not_nil(t:start_span("tracer still works"))
    assert.are.equal(0, require("otel_core_c").detach(0 / 0)) -- not a token: ignored
    assert.are.equal(0, require("otel_core_c").detach(-1))
    local got = spans()
    assert.are.equal("alive", attr(got.victim, "still").stringValue)
  end)

  it("lists the core's option table", function()
    local by = {}
    for _, o in ipairs(otel.options()) do by[o.name] = o end
    assert.are.equal("duration", by.OTEL_BSP_SCHEDULE_DELAY.type)
    assert.are.equal("5000", by.OTEL_BSP_SCHEDULE_DELAY.default)
    assert.are.same({ "otlp", "console", "none" }, by.OTEL_TRACES_EXPORTER.choices)
    assert.is_nil(by.OTEL_SERVICE_NAME.default)
    assert.is_nil(by.OTEL_EXPORTER_PROMETHEUS_PORT) -- nothing reads it yet
    assert.truthy(#otel.options() > 40)
  end)

  it("rejects settings the core cannot use, naming them", function()
    local function fails(settings, pattern)
      local ok, err = pcall(otel.configure, settings)
      assert.is_false(ok)
      assert.truthy(tostring(err):find(pattern, 1, true), tostring(err))
    end
    fails({ service_name = {} }, "service_name must be a string, number or boolean, got table")
    fails({ service_name = print }, "got function")
    fails({ traces_sampler = "bogus" }, "OTEL_TRACES_SAMPLER")
    fails({ bsp_max_queue_size = -5 }, "OTEL_BSP_MAX_QUEUE_SIZE")
    fails({ service_name = "a\0b" }, "NUL")
    fails({ no_such_setting = 1 }, "unknown option")
    otel.configure({ core_exporter_file_path = path, traces_sampler = "always_on" })
  end)

  it("lets the GC collect spans never ended: not exported, not ended", function()
    local t = otel.tracer("lua.test")
    local started, ended = otel.stat("spans_started"), otel.stat("spans_ended")
    for _ = 1, 1000 do
      local s = t:start_span("abandoned")
      local _ = otel.inject({}, s)
    end
    collectgarbage("collect")
    collectgarbage("collect")
    assert.are.equal(started + 1000, otel.stat("spans_started"))
    assert.are.equal(ended, otel.stat("spans_ended"))
    t:start_span("kept"):finish()
    local got = spans()
    assert.is_nil(got.abandoned)
    assert.is_not_nil(got.kept)
  end)
end)

describe("otel_core metrics for Lua", function()
  it("counts, records and sets, attributes from tables", function()
    otel.configure_metrics({ memory = true })
    local m = otel.meter("lua.metrics")
    local c = m:counter("lua.orders", "{order}", "orders")
    c:add(2, { region = "eu" })
    c:add(3, { region = "eu" })
    c:add(1, { region = "us" })
    local h = m:histogram("lua.latency", "ms")
    h:record(12.5)
    h:record(3)
    m:gauge("lua.temp"):set(21.5)
    assert.are.equal(6, otel.metric_value("lua.orders"))
    assert.are.equal(2, otel.metric_value("lua.latency"))
    assert.are.equal(21.5, otel.metric_value("lua.temp"))
    assert.has_error(function() c:add("x") end)
    assert.has_error(function() m:counter("9bad") end)
    c:add(-1) -- dropped, not raised
    assert.are.equal(6, otel.metric_value("lua.orders"))
    c:add(2.0) -- a whole float is an integer
    assert.are.equal(8, otel.metric_value("lua.orders"))
    local ok, err = pcall(c.add, c, 1.5)
    assert.is_false(ok)
    assert.truthy(tostring(err):find("not a whole number", 1, true))
    assert.are.equal(8, otel.metric_value("lua.orders")) -- never truncated
    local f = m:counter_f64("lua.weight")
    f:add(1.5)
    assert.are.equal(1.5, otel.metric_value("lua.weight"))
  end)
end)
