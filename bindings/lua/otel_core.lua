--- otel_core: OpenTelemetry for Lua on libotel_core, the C core every
-- language in the process shares (one pipeline, one exporter).
--
--   local otel = require("otel_core")
--   otel.configure({ service_name = "gateway" })            -- OTEL_* names
--   local tracer = otel.tracer("gateway.lua")
--   tracer:with_span("route", { kind = "server", attributes = { user = "u1" } }, function(span)
--     span:set_attribute("items", 3)
--   end)
--
-- Spans, tracers, meters and instruments are userdata of the C module
-- (otel_core_c); this file gives them their methods. Attribute values:
-- strings, booleans, integers (int64), floats (double) and arrays of one
-- of them.
local c = require("otel_core_c")

local M = { _VERSION = c.version() }

local KINDS = { internal = c.KIND_INTERNAL, server = c.KIND_SERVER, client = c.KIND_CLIENT,
                producer = c.KIND_PRODUCER, consumer = c.KIND_CONSUMER }
local STATUS = { unset = c.STATUS_UNSET, ok = c.STATUS_OK, error = c.STATUS_ERROR }
local INTERNAL = c.KIND_INTERNAL

local function check_string(v, what, level)
  if type(v) ~= "string" then
    error(("%s must be a string, got %s"):format(what, type(v)), (level or 2) + 1)
  end
end

-- an error's text, whatever its __tostring does
local function describe(err)
  local ok, text = pcall(tostring, err)
  return ok and type(text) == "string" and text or ("(" .. type(err) .. " error)")
end

-- methods for the handles of type `name`; `extra` fields go on the metatable
local function methods(name, extra)
  local mt = c.metatable(name)
  local index = {}
  mt.__index = index
  for k, v in pairs(extra or {}) do mt[k] = v end
  return index
end

---------------------------------------------------------------------- spans
local Span = methods("span", {
  -- local span <close> = tracer:start_span("x"): ends at the end of the scope
  __close = function(span) c.end_span(span) end,
  __tostring = function(span) return ("span %s-%s"):format(c.trace_id(span), c.span_id(span)) end,
})

--- span:set_attribute(key, value)
function Span:set_attribute(key, value)
  c.set_attribute(self, key, value)
  return self
end

--- span:set_attributes({ key = value, ... })
function Span:set_attributes(t)
  c.set_attributes(self, t)
  return self
end

function Span:add_event(name, attributes)
  c.add_event(self, name, attributes)
  return self
end

--- span:add_link(other, [attributes]): other may have finished already
function Span:add_link(other, attributes)
  c.add_link(self, other, attributes)
  return self
end

--- span:set_status("unset" | "ok" | "error", [description])
function Span:set_status(code, description)
  local n = STATUS[code]
  if not n then error("status must be 'unset', 'ok' or 'error', got " .. tostring(code), 2) end
  c.set_status(self, n, description)
  return self
end

--- span:record_error(err, [traceback]): an "exception" event
function Span:record_error(err, traceback)
  c.record_exception(self, "lua.error", describe(err), traceback)
  return self
end

function Span:update_name(name)
  c.update_name(self, name)
  return self
end

function Span:is_recording() return c.is_recording(self) ~= 0 end
function Span:is_sampled() return c.is_sampled(self) ~= 0 end
function Span:trace_id() return c.trace_id(self) end
function Span:span_id() return c.span_id(self) end
--- span:finish() (also span["end"]()): ends it; later calls are ignored
Span.finish = c.end_span
Span["end"] = c.end_span

-------------------------------------------------------------------- tracers
local Tracer = methods("tracer")

local function kind_of(k)
  if k == nil then return INTERNAL end
  local n = KINDS[k]
  if not n then error("kind must be internal, server, client, producer or consumer, got " .. tostring(k), 4) end
  return n
end

-- The spans with_span made current, per coroutine (weak: an abandoned
-- coroutine takes its stack with it). Coroutines interleave on one thread
-- (OpenResty runs each request in one and yields on I/O), so the current
-- span lives here; C's thread-local current is set only on the main
-- coroutine, which cannot yield (see with_span).
local current = setmetatable({}, { __mode = "k" })
-- spans with_span has pushed and not popped, over all coroutines: while 0
-- (no with_span running), start_span skips the lookup. An abandoned
-- coroutine keeps it above 0: then every start looks (still correct).
local pushed = 0

local function current_span()
  if pushed == 0 then return nil end
  local st = current[coroutine.running()]
  return st and st[#st]
end

--- tracer:start_span(name, { kind=, attributes=, parent= }) -> span
-- parent: a span, a context from otel.extract, or nil for the current one
-- (this coroutine's, else the one current in C: the host program's).
function Tracer:start_span(name, opts)
  check_string(name, "span name")
  if opts == nil then return c.start_span(self, name, INTERNAL, nil, current_span()) end
  if type(opts) ~= "table" then error("options must be a table, got " .. type(opts), 2) end
  local parent = opts.parent
  if parent == nil then parent = current_span() end
  return c.start_span(self, name, kind_of(opts.kind), opts.attributes, parent)
end

-- what xpcall keeps of an error: the error itself (raised again as it
-- was) and where it came from
local Raised = {}
local function capture(err) return setmetatable({ err = err, where = debug.traceback("", 2) }, Raised) end

local function finish_with(span, token, stack, ok, ...)
  c.detach(token)
  stack[#stack] = nil
  pushed = pushed - 1
  if not ok then
    local r = ...
    local text = describe(r.err)
    pcall(function()
      c.record_exception(span, "lua.error", text, r.where)
      span:set_status("error", text:match("^[^\n]*"))
    end)
    c.end_span(span)
    error(r.err, 0) -- the very value fn raised, no position added
  end
  c.end_span(span)
  return ...
end

--- tracer:with_span(name, [opts], fn): runs fn(span) with the span current,
-- ends it, and records an error fn raises (then raises it again,
-- unchanged). Returns what fn returns. On the main coroutine the span is
-- also current in C for C code fn calls; inside another coroutine (which
-- may yield) it is not: give C code the span explicitly, or call it inside
-- otel.c_attached(span, function() ... end).
function Tracer:with_span(name, opts, fn)
  if fn == nil then fn, opts = opts, nil end
  if type(fn) ~= "function" then error("with_span needs a function, got " .. type(fn), 2) end
  local span = self:start_span(name, opts)
  local co, main = coroutine.running()
  local stack = current[co]
  if not stack then
    stack = {}
    current[co] = stack
  end
  stack[#stack + 1] = span
  pushed = pushed + 1
  return finish_with(span, main and c.attach(span) or 0, stack, xpcall(fn, capture, span))
end

-------------------------------------------------------------------- metrics
local Instrument = methods("instrument")

--- counter:add(n, attributes), up_down_counter:add, histogram:record, gauge:set
function Instrument:add(value, attributes)
  if c.record(self, value, attributes) ~= 0 then
    error(("%s is not a whole number; this instrument records integers (counter_f64 takes floats)")
      :format(tostring(value)), 2)
  end
end
Instrument.record = Instrument.add
Instrument.set = Instrument.add

local Meter = methods("meter")

local function instrument(self, kind, number, name, unit, description)
  check_string(name, "instrument name", 3)
  local i = c.instrument(self, kind, number, name, unit, description)
  if not i then error(c.last_error(), 3) end
  return i
end

--- meter:counter(name, unit, description) (int64; counter_f64 for doubles)
function Meter:counter(name, unit, description)
  return instrument(self, c.INSTRUMENT_COUNTER, c.NUMBER_INT64, name, unit, description)
end
function Meter:counter_f64(name, unit, description)
  return instrument(self, c.INSTRUMENT_COUNTER, c.NUMBER_DOUBLE, name, unit, description)
end
function Meter:up_down_counter(name, unit, description)
  return instrument(self, c.INSTRUMENT_UP_DOWN_COUNTER, c.NUMBER_INT64, name, unit, description)
end
function Meter:histogram(name, unit, description)
  return instrument(self, c.INSTRUMENT_HISTOGRAM, c.NUMBER_DOUBLE, name, unit, description)
end
function Meter:gauge(name, unit, description)
  return instrument(self, c.INSTRUMENT_GAUGE, c.NUMBER_DOUBLE, name, unit, description)
end

--------------------------------------------------------------------- module
-- a settings table as options: keys are OTEL_* names without the prefix,
-- any case; values strings, numbers or booleans
local function options(settings, skip)
  if type(settings) ~= "table" then error("configure needs a table, got " .. type(settings), 3) end
  local o = c.options_new()
  for k, v in pairs(settings) do
    check_string(k, "setting name", 3)
    if k ~= skip then
      local t = type(v)
      if t ~= "string" and t ~= "number" and t ~= "boolean" then
        error(("setting %s must be a string, number or boolean, got %s"):format(k, t), 3)
      end
      if t == "string" and v:find("\0", 1, true) then error(("setting %s contains a NUL byte"):format(k), 3) end
      local name = k:upper()
      if name:sub(1, 5) ~= "OTEL_" then name = "OTEL_" .. name end
      if c.options_set(o, name, tostring(v)) ~= 0 then error(c.last_error(), 3) end
    end
  end
  return o
end

local option_types = { [0] = "string", "bool", "int", "double", "enum", "list", "duration", "key_values" }

--- otel.options(): every OTEL_* option the core honours (its option table),
-- a list of { name, type, default, choices, description }; `type` is
-- "string", "bool", "int", "double", "enum", "list", "duration" (ms) or
-- "key_values"; default and choices (a list) may be nil. These are the keys
-- configure{} takes (without OTEL_, any case).
function M.options()
  local out, i = {}, 0
  while true do
    local name = c.option_name(i)
    if not name then return out end
    local choices = c.option_choices(name)
    local list
    if choices then
      list = {}
      for v in choices:gmatch("[^,]+") do list[#list + 1] = v end
    end
    out[#out + 1] = { name = name, type = option_types[c.option_type(name)] or "string",
                      default = c.option_default(name), choices = list,
                      description = c.option_description(name) }
    i = i + 1
  end
end

--- otel.configure{ service_name = "x", traces_sampler = "always_on", ... }:
-- a new process-wide tracer provider
function M.configure(settings)
  if c.configure(options(settings or {})) ~= 0 then error(c.last_error(), 2) end
end

--- otel.configure_metrics{ metric_export_interval = 10000, ... }; memory =
-- true keeps them for otel.metric_value(name) (tests)
function M.configure_metrics(settings)
  settings = settings or {}
  local o = options(settings, "memory")
  if settings.memory then c.options_set(o, "OTEL_METRICS_EXPORTER", "none") end
  if c.configure_metrics(o, settings.memory and 1 or 0) ~= 0 then error(c.last_error(), 2) end
end

--- otel.tracer(name, [version]): from the process-wide provider
function M.tracer(name, version)
  check_string(name, "tracer name")
  return c.tracer(name, version)
end

function M.meter(name, version)
  check_string(name, "meter name")
  return c.meter(name, version)
end

function M.metric_value(name) return c.metric_value(name) end

--- otel.current_span(): the span current in this coroutine (with_span's),
-- else in C on this thread (e.g. the host program's); none: a no-op span
-- with all-zero ids
function M.current_span() return current_span() or c.current_span() end

--- otel.c_attached(span, fn): runs fn() with span current in C on this
-- thread, for C code called from a coroutine; fn must not yield.
function M.c_attached(span, fn)
  if type(fn) ~= "function" then error("c_attached needs a function, got " .. type(fn), 2) end
  local token = c.attach(span)
  local r = table.pack(pcall(fn))
  c.detach(token)
  if not r[1] then error(r[2], 0) end
  return table.unpack(r, 2, r.n)
end

--- otel.inject([headers], [span]) -> headers table with traceparent, ...
-- (span nil: the current one)
function M.inject(headers, span)
  headers = headers or {}
  if type(headers) ~= "table" then error("headers must be a table, got " .. type(headers), 2) end
  local h = c.headers_new()
  c.inject(h, span or current_span())
  for i = 0, c.headers_count(h) - 1 do headers[c.headers_name(h, i)] = c.headers_value(h, i) end
  return headers
end

--- otel.extract(headers) -> a context to pass as { parent = ... }
function M.extract(headers)
  if type(headers) ~= "table" then error("headers must be a table, got " .. type(headers), 2) end
  local h = c.headers_new()
  for k, v in pairs(headers) do
    if type(k) == "string" and type(v) == "string" then c.headers_add(h, k, v) end
  end
  return c.extract(h)
end

function M.force_flush(ms) return c.force_flush(ms or 30000) == 0 end
function M.shutdown(ms) return c.shutdown(ms or 30000) == 0 end
function M.stat(name) return c.stat(name) end

return M
