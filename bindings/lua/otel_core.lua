--- otel_core: OpenTelemetry for Lua on libotel_core, the C core every
-- language in the process shares (one pipeline, one exporter).
--
--   local otel = require("otel_core")
--   otel.configure({ service_name = "gateway" })            -- OTEL_* names
--   local tracer = otel.tracer("gateway.lua")
--   tracer:with_span("route", { kind = "server", attributes = { user = "u1" } }, function(span)
--     span:set_attribute("items", 3)
--   end)
local c = require("otel_core_c")

local M = { _VERSION = c.version() }

local KINDS = { internal = c.KIND_INTERNAL, server = c.KIND_SERVER, client = c.KIND_CLIENT,
                producer = c.KIND_PRODUCER, consumer = c.KIND_CONSUMER }
local STATUS = { unset = c.STATUS_UNSET, ok = c.STATUS_OK, error = c.STATUS_ERROR }

local function check_string(v, what, level)
  if type(v) ~= "string" then
    error(("%s must be a string, got %s"):format(what, type(v)), (level or 2) + 1)
  end
end

-- one value through the setter family that fits its Lua type
-- (fns: str, bool, i64, f64 taking target, key, value)
local function put(fns, target, k, v, level)
  local tv = type(v)
  if tv == "string" then fns[1](target, k, v)
  elseif tv == "boolean" then fns[2](target, k, v and 1 or 0)
  elseif tv == "number" then
    if math.type(v) == "integer" then fns[3](target, k, v) else fns[4](target, k, v) end
  else
    error(("attribute %q: unsupported type %s"):format(k, tv), level + 1)
  end
end

local BUILDER = { c.attrs_str, c.attrs_bool, c.attrs_i64, c.attrs_f64 }
local SPAN = { c.set_str, c.set_bool, c.set_i64, c.set_f64 }

-- an attribute table into the C attribute builder (nil when empty)
local function attrs_of(t, level)
  level = (level or 2) + 1
  if t == nil then return nil end
  if type(t) ~= "table" then error("attributes must be a table, got " .. type(t), level) end
  local a = nil
  for k, v in pairs(t) do
    if type(k) ~= "string" then error("attribute keys must be strings", level) end
    a = a or c.attrs_new()
    put(BUILDER, a, k, v, level)
  end
  return a
end

local function set_attribute(h, k, v) put(SPAN, h, k, v, 3) end

---------------------------------------------------------------------- spans
local Span = {}
Span.__index = Span

function Span:set_attribute(key, value)
  check_string(key, "attribute key")
  set_attribute(self._h, key, value)
  return self
end

function Span:set_attributes(t)
  if type(t) ~= "table" then error("attributes must be a table, got " .. type(t), 2) end
  for k, v in pairs(t) do
    check_string(k, "attribute key")
    set_attribute(self._h, k, v)
  end
  return self
end

function Span:add_event(name, attributes)
  check_string(name, "event name")
  c.add_event(self._h, name, attrs_of(attributes))
  return self
end

function Span:add_link(other)
  if getmetatable(other) ~= Span then error("add_link needs a span", 2) end
  c.add_link(self._h, other._h)
  return self
end

function Span:set_status(code, description)
  local n = STATUS[code]
  if not n then error("status must be 'unset', 'ok' or 'error', got " .. tostring(code), 2) end
  c.set_status(self._h, n, description)
  return self
end

function Span:record_error(err, traceback)
  c.record_exception(self._h, "lua.error", tostring(err), traceback)
  return self
end

function Span:update_name(name)
  check_string(name, "span name")
  c.update_name(self._h, name)
  return self
end

function Span:is_recording() return c.is_recording(self._h) ~= 0 end
function Span:trace_id() return c.trace_id(self._h) end
function Span:span_id() return c.span_id(self._h) end
function Span:finish() c.end_span(self._h) end
Span["end"] = Span.finish

-- the C context holding this span (made once)
function Span:_context()
  if not self._ctx then self._ctx = c.context_with_span(self._h) end
  return self._ctx
end

-------------------------------------------------------------------- tracers
local Tracer = {}
Tracer.__index = Tracer

local function kind_of(k)
  if k == nil then return c.KIND_INTERNAL end
  local n = KINDS[k]
  if not n then error("kind must be internal, server, client, producer or consumer", 4) end
  return n
end

--- tracer:start_span(name, { kind=, attributes=, parent= }) -> span
-- parent: a span, a context from otel.extract, or nil for the current one.
function Tracer:start_span(name, opts)
  check_string(name, "span name")
  opts = opts or {}
  if type(opts) ~= "table" then error("options must be a table", 2) end
  local parent = opts.parent
  local pctx = nil
  if parent ~= nil then
    if getmetatable(parent) == Span then pctx = parent:_context()
    elseif type(parent) == "table" and parent._ctx then pctx = parent._ctx
    else error("parent must be a span or an extracted context", 2) end
  end
  local h = c.start_span(self._t, name, kind_of(opts.kind), pctx, attrs_of(opts.attributes, 2))
  return setmetatable({ _h = h }, Span)
end

--- tracer:with_span(name, [opts], fn): runs fn(span) with the span current
-- (also for C code it calls), ends it, and records an error fn raises
-- (then raises it again).
function Tracer:with_span(name, opts, fn)
  if fn == nil then fn, opts = opts, nil end
  if type(fn) ~= "function" then error("with_span needs a function", 2) end
  local span = self:start_span(name, opts)
  local token = c.attach(span:_context())
  local results = table.pack(xpcall(fn, debug.traceback, span))
  c.detach(token)
  if not results[1] then
    local err = results[2]
    span:record_error(err, type(err) == "string" and err or nil)
    span:set_status("error", tostring(err):match("^[^\n]*"))
    span:finish()
    error(err, 0)
  end
  span:finish()
  return table.unpack(results, 2, results.n)
end

-------------------------------------------------------------------- metrics
local Instrument = {}
Instrument.__index = Instrument

local function record(self, value, attributes)
  if type(value) ~= "number" then error("a measurement must be a number, got " .. type(value), 3) end
  local a = attrs_of(attributes, 3)
  if math.type(value) == "integer" and self._int then c.record_i64(self._i, value, a)
  else c.record_f64(self._i, value, a) end
end

--- counter:add(n, attributes), up_down_counter:add, gauge:set
function Instrument:add(value, attributes) record(self, value, attributes) end
--- histogram:record(v, attributes)
Instrument.record = Instrument.add
Instrument.set = Instrument.add

local Meter = {}
Meter.__index = Meter

local function instrument(self, kind, number, name, unit, description)
  check_string(name, "instrument name", 3)
  local i = c.instrument(self._m, kind, number, name, unit, description)
  if not i then error(c.last_error(), 3) end
  return setmetatable({ _i = i, _meter = self, _int = number == c.NUMBER_INT64 }, Instrument)
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
--- otel.configure{ service_name = "x", traces_sampler = "always_on", ... }
-- keys are OTEL_* names without the prefix, any case; values strings,
-- numbers or booleans.
function M.configure(settings)
  settings = settings or {}
  if type(settings) ~= "table" then error("configure needs a table", 2) end
  local o = c.options_new()
  for k, v in pairs(settings) do
    check_string(k, "setting name")
    local name = k:upper()
    if name:sub(1, 5) ~= "OTEL_" then name = "OTEL_" .. name end
    local st = c.options_set(o, name, tostring(v))
    if st ~= 0 then error(c.last_error(), 2) end
  end
  local st = c.configure(o)
  if st ~= 0 then error(c.last_error(), 2) end
end

--- otel.configure_metrics{ metric_export_interval = 10000, ... }; memory =
-- true keeps them for otel.metric_value(name) (tests)
function M.configure_metrics(settings)
  settings = settings or {}
  local memory = settings.memory
  local o = c.options_new()
  for k, v in pairs(settings) do
    if k ~= "memory" then
      local name = k:upper()
      if name:sub(1, 5) ~= "OTEL_" then name = "OTEL_" .. name end
      if c.options_set(o, name, tostring(v)) ~= 0 then error(c.last_error(), 2) end
    end
  end
  if memory then c.options_set(o, "OTEL_METRICS_EXPORTER", "none") end
  if c.configure_metrics(o, memory and 1 or 0) ~= 0 then error(c.last_error(), 2) end
end

function M.meter(name, version)
  check_string(name, "meter name")
  return setmetatable({ _m = c.meter(name, version) }, Meter)
end

function M.metric_value(name) return c.metric_value(name) end

function M.tracer(name, version)
  check_string(name, "tracer name")
  return setmetatable({ _t = c.tracer(name, version) }, Tracer)
end

--- otel.inject([headers], [span]) -> headers table with traceparent, ...
function M.inject(headers, span)
  headers = headers or {}
  local h = c.headers_new()
  c.inject(span and span:_context() or nil, h)
  for i = 0, c.headers_count(h) - 1 do headers[c.headers_name(h, i)] = c.headers_value(h, i) end
  return headers
end

--- otel.extract(headers) -> a context to pass as { parent = ... }
function M.extract(headers)
  if type(headers) ~= "table" then error("headers must be a table", 2) end
  local h = c.headers_new()
  for k, v in pairs(headers) do
    if type(k) == "string" and type(v) == "string" then c.headers_add(h, k, v) end
  end
  return { _ctx = c.extract(h) }
end

function M.force_flush(ms) return c.force_flush(ms or 30000) == 0 end
function M.shutdown(ms) return c.shutdown(ms or 30000) == 0 end
function M.stat(name) return c.stat(name) end

return M
