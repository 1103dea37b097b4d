# frozen_string_literal: true

# minitest suite for the Ruby binding: in_span, attributes from hashes,
# exceptions recorded and re-raised, propagation, errors, GC of spans.
require "json"
require "minitest/autorun"
require "tmpdir"
require "otel_core"

class OtelCoreTest < Minitest::Test
  def setup
    @path = File.join(Dir.tmpdir, "otel-ruby-#{Process.pid}-#{name}.jsonl")
    File.write(@path, "")
    OtelCore.configure do |c|
      c.core_exporter_file_path = @path
      c.traces_sampler = "always_on"
      c.service_name = "ruby-test"
    end
    @tracer = OtelCore.tracer("ruby.test", "1.0")
  end

  def teardown
    File.delete(@path) if File.exist?(@path)
  end

  def spans
    assert OtelCore.force_flush(5000)
    out = {}
    File.readlines(@path).each do |line|
      JSON.parse(line)["resourceSpans"].each do |rs|
        rs["scopeSpans"].each do |ss|
          ss["spans"].each { |s| out[s["name"]] = s.merge("scope" => ss["scope"]["name"]) }
        end
      end
    end
    out
  end

  def attr(span, key)
    (span["attributes"] || []).find { |a| a["key"] == key }&.fetch("value")
  end

  def test_in_span_nests_with_attributes_of_every_type
    @tracer.in_span("outer", attributes: { "i" => 42, "f" => 2.5, "s" => "x", "b" => true,
                                           sym: :y }, kind: :server) do |outer|
      outer["later"] = 7
      @tracer.in_span("inner") { |inner| inner.add_event("ev", attributes: { "n" => 1 }) }
    end
    got = spans
    assert_equal got["outer"]["spanId"], got["inner"]["parentSpanId"]
    assert_equal got["outer"]["traceId"], got["inner"]["traceId"]
    assert_equal 2, got["outer"]["kind"]
    assert_equal({ "intValue" => "42" }, attr(got["outer"], "i"))
    assert_equal({ "doubleValue" => 2.5 }, attr(got["outer"], "f"))
    assert_equal({ "stringValue" => "x" }, attr(got["outer"], "s"))
    assert_equal({ "boolValue" => true }, attr(got["outer"], "b"))
    assert_equal({ "stringValue" => "y" }, attr(got["outer"], "sym"))
    assert_equal({ "intValue" => "7" }, attr(got["outer"], "later"))
    assert_equal "ev", got["inner"]["events"][0]["name"]
    assert_equal "ruby.test", got["outer"]["scope"]
  end

  def test_exceptions_are_recorded_and_reraised
    assert_raises(KeyError) { @tracer.in_span("boom") { raise KeyError, "missing" } }
    got = spans["boom"]
    assert_equal 2, got["status"]["code"]
    ev = got["events"].find { |e| e["name"] == "exception" }
    refute_nil ev
    assert_equal({ "stringValue" => "KeyError" }, attr(ev, "exception.type"))
    assert_equal({ "stringValue" => "missing" }, attr(ev, "exception.message"))
  end

  def test_inject_and_extract_with_hashes
    client = @tracer.start_span("client", kind: :client)
    headers = OtelCore.inject({}, span: client)
    assert_match(/\A00-#{client.trace_id}-#{client.span_id}-0[13]\z/, headers["traceparent"])
    client.finish
    parent = OtelCore.extract({ "TraceParent" => headers["traceparent"] })
    @tracer.in_span("server", kind: :server, with_parent: parent) { nil }
    got = spans
    assert_equal got["client"]["spanId"], got["server"]["parentSpanId"]
  end

  def test_wrong_arguments_raise_clear_errors
    assert_raises(TypeError) { @tracer.start_span(42) }
    assert_raises(ArgumentError) { @tracer.start_span("x", kind: :sideways) }
    e = assert_raises(TypeError) { @tracer.start_span("x", attributes: { "k" => [[1]] }) }
    assert_match(/array elements must all be/, e.message)
    assert_raises(TypeError) { @tracer.start_span("x", attributes: { "k" => {} }) }
    assert_raises(TypeError) { @tracer.start_span("x", attributes: { 1 => 2 }) }
    assert_raises(TypeError) { @tracer.start_span("x", attributes: [1]) }
    assert_raises(ArgumentError) { @tracer.start_span("x", attributes: { "k" => 2**70 }) }
    assert_raises(ArgumentError) { @tracer.start_span("x", attributes: { "k" => [1, -2**64] }) }
    span = @tracer.start_span("x")
    assert_raises(TypeError) { span.set_attribute("k", Object.new) }
    assert_raises(TypeError) { span.set_attribute(nil, 1) }
    assert_raises(ArgumentError) { span.set_attribute("k", 2**63) }
    e = assert_raises(TypeError) { span.add_link(@tracer) }
    assert_equal "add_link: expected OtelCore::Span, got OtelCore::Tracer", e.message
    assert_raises(TypeError) { Otel_core_native.end_span(@tracer) }
    assert_raises(TypeError) { Otel_core_native.start_span(span, "x", 0, nil, nil) }
    assert_raises(ArgumentError) { span.status = :weird }
    assert_raises(TypeError) { OtelCore.extract("nope") }
    assert_raises(TypeError) { @tracer.start_span("x", with_parent: 3) }
    span.finish
    span.finish # ignored
    span["after"] = 1 # ignored
  end

  def test_integers_exact_floats_double_arrays_of_one_type
    @tracer.in_span("arrays", attributes: { "big" => 9_007_199_254_740_993, "min" => -2**63,
                                            "strs" => ["a", :b], "ints" => [1, 2], "mixed" => [1, 2.5],
                                            "flags" => [true, false], "none" => [] }) do |s|
      s.add_attributes("more" => 1.5)
    end
    got = spans["arrays"]
    assert_equal({ "intValue" => "9007199254740993" }, attr(got, "big"))
    assert_equal({ "intValue" => (-2**63).to_s }, attr(got, "min"))
    assert_equal({ "arrayValue" => { "values" => [{ "stringValue" => "a" }, { "stringValue" => "b" }] } },
                 attr(got, "strs"))
    assert_equal({ "arrayValue" => { "values" => [{ "intValue" => "1" }, { "intValue" => "2" }] } },
                 attr(got, "ints"))
    assert_equal({ "arrayValue" => { "values" => [{ "doubleValue" => 1.0 }, { "doubleValue" => 2.5 }] } },
                 attr(got, "mixed"))
    assert_equal({ "arrayValue" => { "values" => [{ "boolValue" => true }, { "boolValue" => false }] } },
                 attr(got, "flags"))
    assert_equal({ "doubleValue" => 1.5 }, attr(got, "more"))
    refute_nil attr(got, "none")
  end

  def test_ids_kept_after_finish_and_links_to_finished_spans
    first = @tracer.start_span("first").finish
    id = first.span_id
    assert_equal id, first.span_id
    refute first.recording?
    @tracer.in_span("second") { |s| s.add_link(first, attributes: { "why" => "retry" }) }
    @tracer.in_span("child", with_parent: first) { nil }
    got = spans
    assert_equal got["first"]["spanId"], got["second"]["links"][0]["spanId"]
    assert_equal({ "stringValue" => "retry" }, attr(got["second"]["links"][0], "why"))
    assert_equal got["first"]["spanId"], got["child"]["parentSpanId"]
  end

  def test_current_span_is_per_fiber_and_never_leaks_across_a_switch
    a = Fiber.new do
      @tracer.in_span("a.outer") do
        Fiber.yield
        @tracer.start_span("a.inner").finish # a.outer's child after the switch
      end
    end
    a.resume
    assert_equal "0" * 32, OtelCore::N.current_span.trace_id # nothing of a's current in C
    @tracer.start_span("main.alone").finish
    b = Fiber.new { @tracer.in_span("b.outer") { @tracer.start_span("b.inner").finish } }
    b.resume
    a.resume
    @tracer.in_span("main.outer") do |s|
      assert_equal s.span_id, OtelCore::N.current_span.span_id # a thread's own fiber: current in C
      Fiber.new do
        @tracer.in_span("f") do |f|
          assert_equal s.span_id, OtelCore::N.current_span.span_id
          OtelCore.c_attached(f) { assert_equal f.span_id, OtelCore::N.current_span.span_id }
          assert_equal f.span_id, OtelCore.current_span.span_id
        end
      end.resume
    end
    got = spans
    assert_equal got["a.outer"]["spanId"], got["a.inner"]["parentSpanId"]
    assert_equal got["b.outer"]["spanId"], got["b.inner"]["parentSpanId"]
    assert_nil got["main.alone"]["parentSpanId"]
    assert_equal got["main.outer"]["spanId"], got["f"]["parentSpanId"]
  end

  def test_an_unprintable_exception_is_the_one_raised
    odd = Class.new(StandardError) { def message = raise("no message for you") }
    assert_raises(odd) { @tracer.in_span("odd") { raise odd } }
    got = spans["odd"]
    assert_equal 2, got["status"]["code"]
    assert_match(/unprintable/, got["status"]["message"])
  end

  def test_options_are_the_core_table
    opts = OtelCore.options.to_h { |o| [o[:name], o] }
    assert_operator opts.size, :>, 40
    assert_equal :duration, opts["OTEL_BSP_SCHEDULE_DELAY"][:type]
    assert_equal "5000", opts["OTEL_BSP_SCHEDULE_DELAY"][:default]
    assert_equal %w[otlp console none], opts["OTEL_TRACES_EXPORTER"][:choices]
    assert_nil opts["OTEL_SERVICE_NAME"][:default]
    assert opts.values.all? { |o| o[:description] && !o[:description].empty? }
    config = OtelCore::Config.new
    assert config.respond_to?(:bsp_schedule_delay=)
    refute config.respond_to?(:no_such_setting=)
  end

  def test_bad_settings_and_carriers_raise
    e = assert_raises(TypeError) { OtelCore.configure { |c| c.service_name = {} } }
    assert_match(/OTEL_SERVICE_NAME must be a String/, e.message)
    e = assert_raises(ArgumentError) { OtelCore.configure { |c| c.traces_sampler = "bogus" } }
    assert_match(/OTEL_TRACES_SAMPLER/, e.message)
    e = assert_raises(ArgumentError) { OtelCore.configure { |c| c.bsp_max_queue_size = -5 } }
    assert_match(/OTEL_BSP_MAX_QUEUE_SIZE/, e.message)
    assert_raises(ArgumentError) { OtelCore.configure { |c| c.service_name = "a\0b" } }
    e = assert_raises(ArgumentError) { OtelCore.configure { |c| c.no_such_setting = 1 } }
    assert_match(/OTEL_NO_SUCH_SETTING is not an OTEL_\* option/, e.message)
    assert_raises(ArgumentError) { OtelCore.configure { |c| c.exporter_prometheus_port = 9464 } } # nothing reads it yet
    @tracer.in_span("current") do
      assert_raises(TypeError) { OtelCore.inject("x") }
      assert_raises(TypeError) { OtelCore.inject(nil) }
      assert_raises(TypeError) { OtelCore.inject(5) }
    end
    assert_raises(TypeError) { OtelCore.extract("x") }
  end

  def test_gc_collects_spans_never_finished
    started = OtelCore.stat("spans_started")
    ended = OtelCore.stat("spans_ended")
    1000.times { @tracer.start_span("abandoned").context }
    GC.start
    assert_equal started + 1000, OtelCore.stat("spans_started")
    assert_equal ended, OtelCore.stat("spans_ended")
    @tracer.in_span("kept") { nil }
    got = spans
    assert_nil got["abandoned"]
    refute_nil got["kept"]
  end
end

class OtelCoreMetricsTest < Minitest::Test
  def test_counter_histogram_gauge
    OtelCore.configure_metrics(memory: true)
    meter = OtelCore.meter("ruby.metrics")
    c = meter.create_counter("rb.orders", unit: "{order}")
    c.add(2, attributes: { "region" => "eu" })
    c.add(3, attributes: { "region" => "eu" })
    c.add(1, attributes: { region: "us" })
    h = meter.create_histogram("rb.latency", unit: "ms")
    h.record(12.5)
    h.record(3)
    meter.create_gauge("rb.temp").set(21.5)
    assert_equal 6, OtelCore.metric_value("rb.orders")
    assert_equal 2, OtelCore.metric_value("rb.latency")
    assert_equal 21.5, OtelCore.metric_value("rb.temp")
    assert_raises(TypeError) { c.add("x") }
    assert_raises(ArgumentError) { meter.create_counter("9bad") }
    c.add(-1) # dropped, not raised
    assert_equal 6, OtelCore.metric_value("rb.orders")
    c.add(2.0) # a whole float is an integer
    assert_equal 8, OtelCore.metric_value("rb.orders")
    e = assert_raises(ArgumentError) { c.add(1.5) }
    assert_match(/not a whole number/, e.message)
    assert_equal 8, OtelCore.metric_value("rb.orders") # never truncated
    meter.create_counter("rb.weight", value_type: :float).add(1.5)
    assert_equal 1.5, OtelCore.metric_value("rb.weight")
    assert_raises(ArgumentError) { meter.create_counter("rb.bad", value_type: :bogus) }
  end
end
