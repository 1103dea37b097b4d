-- Run by tests/lua/run.sh under valgrind: spans, contexts and headers the
-- GC collects without finish (and errors raised halfway through a
-- conversion) must leak nothing once the state closes.
local otel = require("otel_core")
otel.configure({ traces_exporter = "none", traces_sampler = "always_on" })
local t = otel.tracer("leak.lua")
local n = tonumber(arg and arg[1]) or 500
for i = 1, n do
  local s = t:start_span("abandoned", { attributes = { i = i, tags = { "a", "b" } } })
  s:add_event("e", { k = { 1.5, 2 } })
  local child = t:start_span("child", { parent = s })
  local headers = otel.inject({}, child)
  local remote = otel.extract(headers)
  t:start_span("remote child", { parent = remote })
  pcall(t.start_span, t, "bad", { attributes = { ok = 1, bad = { {} } } })
  pcall(t.with_span, t, "raises", function() error("boom") end)
  if i % 2 == 0 then s:finish() end
end
local m = otel.meter("leak.lua")
m:counter("leak.count"):add(1, { k = "v" })
collectgarbage("collect")
otel.shutdown(1000)
