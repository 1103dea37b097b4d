# frozen_string_literal: true

# OtelCore: OpenTelemetry for Ruby on libotel_core, the C core every language
# in the process shares (one pipeline, one exporter). The shape follows
# opentelemetry-ruby's API:
#
#   require "otel_core"
#   OtelCore.configure { |c| c.service_name = "billing" }
#   tracer = OtelCore.tracer("billing.rb")
#   tracer.in_span("charge", attributes: { "amount" => 12 }, kind: :server) do |span|
#     span.add_event("authorized")
#   end
require "otel_core_native"

module OtelCore
  N = Otel_core_native
  KINDS = { internal: N::KIND_INTERNAL, server: N::KIND_SERVER, client: N::KIND_CLIENT,
            producer: N::KIND_PRODUCER, consumer: N::KIND_CONSUMER }.freeze
  STATUS = { unset: N::STATUS_UNSET, ok: N::STATUS_OK, error: N::STATUS_ERROR }.freeze
  INT64 = (-(2**63)...(2**63)).freeze

  class Error < StandardError; end

  def self.key!(key, what = "attribute key")
    return key.to_s if key.is_a?(String) || key.is_a?(Symbol)

    raise TypeError, "#{what} must be a String or Symbol, not #{key.class}"
  end

  # Attributes hash -> the native builder (nil when empty).
  def self.attrs(hash)
    return nil if hash.nil? || hash.empty?
    raise TypeError, "attributes must be a Hash, not #{hash.class}" unless hash.is_a?(Hash)

    a = N.attrs_new
    hash.each do |k, v|
      key = key!(k)
      case v
      when String, Symbol then N.attrs_str(a, key, v.to_s)
      when true, false then N.attrs_bool(a, key, v ? 1 : 0)
      when Integer
        raise ArgumentError, "attribute #{key}: #{v} does not fit in int64" unless INT64.cover?(v)

        N.attrs_i64(a, key, v)
      when Float then N.attrs_f64(a, key, v)
      else raise TypeError, "attribute #{key}: unsupported type #{v.class}"
      end
    end
    a
  end

  # A span of the C core. Safe to use from several threads.
  class Span
    attr_reader :handle

    def initialize(handle)
      @handle = handle
    end

    def set_attribute(key, value)
      key = OtelCore.key!(key)
      case value
      when String, Symbol then N.set_str(@handle, key, value.to_s)
      when true, false then N.set_bool(@handle, key, value ? 1 : 0)
      when Integer
        raise ArgumentError, "attribute #{key}: #{value} does not fit in int64" unless INT64.cover?(value)

        N.set_i64(@handle, key, value)
      when Float then N.set_f64(@handle, key, value)
      else raise TypeError, "attribute #{key}: unsupported type #{value.class}"
      end
      self
    end
    alias []= set_attribute

    def add_attributes(hash)
      raise TypeError, "attributes must be a Hash, not #{hash.class}" unless hash.is_a?(Hash)

      hash.each { |k, v| set_attribute(k, v) }
      self
    end

    def add_event(name, attributes: nil)
      N.add_event(@handle, OtelCore.key!(name, "event name"), OtelCore.attrs(attributes))
      self
    end

    def add_link(other)
      raise TypeError, "add_link needs a Span" unless other.is_a?(Span)

      N.add_link(@handle, other.handle)
      self
    end

    def record_exception(exception)
      raise TypeError, "record_exception needs an Exception" unless exception.is_a?(Exception)

      N.record_exception(@handle, exception.class.name, exception.message.to_s,
                         (exception.backtrace || []).join("\n"))
      self
    end

    def status=(status)
      code, description = status.is_a?(Array) ? status : [status, nil]
      raise ArgumentError, "status must be :unset, :ok or :error" unless STATUS.key?(code)

      N.set_status(@handle, STATUS[code], description)
    end

    def name=(name)
      N.update_name(@handle, OtelCore.key!(name, "span name"))
    end

    def recording?
      N.is_recording(@handle) != 0
    end

    def trace_id = N.trace_id(@handle)
    def span_id = N.span_id(@handle)

    def finish
      N.end_span(@handle)
      self
    end

    def context
      @context ||= N.context_with_span(@handle)
    end
  end

  # What OtelCore.extract returns: a remote parent to pass as with_parent:.
  class Context
    attr_reader :handle

    def initialize(handle)
      @handle = handle
    end
  end

  class Tracer
    def initialize(name, version)
      @t = N.tracer(name, version)
    end

    def start_span(name, with_parent: nil, attributes: nil, kind: :internal)
      raise ArgumentError, "kind must be one of #{KINDS.keys.join(', ')}" unless KINDS.key?(kind)

      parent = case with_parent
               when nil then nil
               when Span then with_parent.context
               when Context then with_parent.handle
               else raise TypeError, "with_parent must be a Span or a Context, not #{with_parent.class}"
               end
      Span.new(N.start_span(@t, OtelCore.key!(name, "span name"), KINDS[kind], parent,
                            OtelCore.attrs(attributes)))
    end

    # Runs the block with a new span current (also for C code it calls),
    # ends it, and records an exception the block raises, then re-raises it.
    def in_span(name, attributes: nil, kind: :internal, with_parent: nil)
      span = start_span(name, with_parent: with_parent, attributes: attributes, kind: kind)
      token = N.attach(span.context)
      begin
        yield span
      rescue Exception => e # rubocop:disable Lint/RescueException
        span.record_exception(e)
        span.status = [:error, "#{e.class}: #{e.message}"]
        raise
      ensure
        N.detach(token)
        span.finish
      end
    end
  end

  # A metric instrument: counter.add(n, attributes: {}), histogram.record,
  # gauge.set.
  class Instrument
    attr_reader :name

    def initialize(meter, handle, name, int)
      @meter = meter # keeps the provider alive
      @i = handle
      @name = name
      @int = int
    end

    def add(value, attributes: nil)
      raise TypeError, "#{@name}: a measurement must be Numeric, not #{value.class}" unless value.is_a?(Numeric)

      a = OtelCore.attrs(attributes)
      if @int && value.is_a?(Integer)
        raise ArgumentError, "#{@name}: #{value} does not fit in int64" unless INT64.cover?(value)

        N.record_i64(@i, value, a)
      else
        N.record_f64(@i, value.to_f, a)
      end
    end
    alias record add
    alias set add
  end

  class Meter
    def initialize(name, version)
      @m = N.meter(name, version)
    end

    def create_counter(name, unit: nil, description: nil, value_type: :int) =
      make(N::INSTRUMENT_COUNTER, name, unit, description, value_type)

    def create_up_down_counter(name, unit: nil, description: nil, value_type: :int) =
      make(N::INSTRUMENT_UP_DOWN_COUNTER, name, unit, description, value_type)

    def create_histogram(name, unit: nil, description: nil, value_type: :float) =
      make(N::INSTRUMENT_HISTOGRAM, name, unit, description, value_type)

    def create_gauge(name, unit: nil, description: nil, value_type: :float) =
      make(N::INSTRUMENT_GAUGE, name, unit, description, value_type)

    private

    def make(kind, name, unit, description, value_type)
      int = value_type == :int
      h = N.instrument(@m, kind, int ? N::NUMBER_INT64 : N::NUMBER_DOUBLE,
                       OtelCore.key!(name, "instrument name"), unit, description)
      raise ArgumentError, N.last_error if h.nil?

      Instrument.new(self, h, name, int)
    end
  end

  # OtelCore.configure_metrics(memory: true) { |c| ... }: the process-wide
  # meter provider; memory: true keeps values for OtelCore.metric_value.
  def self.configure_metrics(memory: false)
    config = Config.new
    yield config if block_given?
    config.settings["OTEL_METRICS_EXPORTER"] = "none" if memory
    opts = N.options_new
    config.settings.each do |k, v|
      raise ArgumentError, N.last_error if N.options_set(opts, k, v) != 0
    end
    raise Error, N.last_error if N.configure_metrics(opts, memory ? 1 : 0) != 0

    true
  end

  def self.meter(name, version = nil) = Meter.new(key!(name, "meter name"), version)
  def self.metric_value(name) = N.metric_value(name.to_s)

  # OtelCore.configure { |c| c.service_name = "x"; c.traces_sampler = "always_on" }:
  # each setter is an OTEL_* name without the prefix.
  class Config
    attr_reader :settings

    def initialize
      @settings = {}
    end

    def method_missing(name, *args)
      return super unless name.to_s.end_with?("=") && args.size == 1

      @settings["OTEL_#{name.to_s.chomp('=').upcase}"] = args.first.to_s
    end

    def respond_to_missing?(name, include_private = false)
      name.to_s.end_with?("=") || super
    end
  end

  def self.configure
    config = Config.new
    yield config if block_given?
    opts = N.options_new
    config.settings.each do |k, v|
      raise ArgumentError, N.last_error if N.options_set(opts, k, v) != 0
    end
    raise Error, N.last_error if N.configure(opts) != 0

    true
  end

  def self.tracer(name, version = nil)
    Tracer.new(key!(name, "tracer name"), version)
  end

  # Writes the current span (or `span`) into `carrier` with OTEL_PROPAGATORS.
  def self.inject(carrier = {}, span: nil)
    h = N.headers_new
    N.inject(span&.context, h)
    N.headers_count(h).times { |i| carrier[N.headers_name(h, i)] = N.headers_value(h, i) }
    carrier
  end

  def self.extract(carrier)
    raise TypeError, "carrier must be a Hash, not #{carrier.class}" unless carrier.is_a?(Hash)

    h = N.headers_new
    carrier.each { |k, v| N.headers_add(h, k.to_s, v.to_s) }
    Context.new(N.extract(h))
  end

  def self.force_flush(timeout_ms = 30_000) = N.force_flush(timeout_ms).zero?
  def self.shutdown(timeout_ms = 30_000) = N.shutdown(timeout_ms).zero?
  def self.stat(name) = N.stat(name.to_s)
end
