# frozen_string_literal: true

# ruby.span.attrs3: start + end of a sampled span with 3 attributes through
# the Ruby binding (batch processor, OTLP to a closed local port), best of 5.
require "otel_core"

OtelCore.configure do |c|
  c.traces_sampler = "always_on"
  c.exporter_otlp_endpoint = "http://127.0.0.1:9"
  c.bsp_max_queue_size = 8192
  c.log_level = "none"
end
tracer = OtelCore.tracer("bench.rb")
n = (ARGV[0] || 200_000).to_i
attrs = { "http.request.method" => "GET", "http.response.status_code" => 200, "cache.hit" => true }

def best(n)
  (1..5).map do
    t0 = Process.clock_gettime(Process::CLOCK_MONOTONIC, :nanosecond)
    yield n
    (Process.clock_gettime(Process::CLOCK_MONOTONIC, :nanosecond) - t0).to_f / n
  end.min
end

n.fdiv(10).to_i.times { tracer.start_span("op", attributes: attrs).finish }
v = best(n) { |k| k.times { tracer.start_span("op", attributes: attrs).finish } }
puts format('{"name":"ruby.span.attrs3","value":%.1f,"unit":"ns/op","threads":1,"via":"start_span attributes:"}', v)
v = best(n) { |k| k.times { tracer.in_span("op", attributes: attrs) { nil } } }
puts format('{"name":"ruby.span.attrs3.in_span","value":%.1f,"unit":"ns/op","threads":1,"via":"in_span"}', v)
OtelCore.configure_metrics { |c| c.metrics_exporter = "none" }
counter = OtelCore.meter("bench.rb").create_counter("bench.counter")
v = best(n) { |k| k.times { counter.add(1, attributes: attrs) } }
puts format('{"name":"ruby.counter.add.attrs3","value":%.1f,"unit":"ns/op","threads":1}', v)
OtelCore.shutdown(1000)
