-- lua.span.attrs3: start + end of a sampled span with 3 attributes through
-- the Lua binding (batch processor, OTLP to a closed local port), best of 5.
local otel = require("otel_core")
otel.configure({ traces_sampler = "always_on", exporter_otlp_endpoint = "http://127.0.0.1:9",
                 bsp_max_queue_size = 8192, log_level = "none" })
local t = otel.tracer("bench.lua")
local n = tonumber(arg and arg[1]) or 200000
local attrs = { ["http.request.method"] = "GET", ["http.response.status_code"] = 200,
                ["cache.hit"] = true }
local function run(k)
  for _ = 1, k do t:start_span("op", { attributes = attrs }):finish() end
end
local function run_set(k)
  for _ = 1, k do
    local s = t:start_span("op")
    s:set_attribute("http.request.method", "GET")
    s:set_attribute("http.response.status_code", 200)
    s:set_attribute("cache.hit", true)
    s:finish()
  end
end
-- best of 5, wall clock (os.clock is the whole process's CPU time: the
-- export thread's too)
local now = require("otel_core_c").now_ns
local function best(fn)
  local b = math.huge
  for _ = 1, 5 do
    local t0 = now()
    fn(n)
    b = math.min(b, (now() - t0) / n)
  end
  return b
end
run(n // 10)
print(string.format('{"name":"lua.span.attrs3","value":%.1f,"unit":"ns/op","threads":1,"via":"start_span attributes"}', best(run)))
print(string.format('{"name":"lua.span.attrs3.set","value":%.1f,"unit":"ns/op","threads":1,"via":"set_attribute x3"}', best(run_set)))
otel.configure_metrics({ metrics_exporter = "none" })
local counter = otel.meter("bench.lua"):counter("bench.counter")
print(string.format('{"name":"lua.counter.add.attrs3","value":%.1f,"unit":"ns/op","threads":1}',
  best(function(k) for _ = 1, k do counter:add(1, attrs) end end)))
otel.shutdown(1000)
