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
#
# Spans, contexts, tracers, meters and instruments are objects the native
# module (otel_core_native) defines under OtelCore; this file gives them
# their methods.
# Attribute values: String or Symbol, true/false, Integer (int64), Float and
# Arrays of one of them; anything else raises TypeError, an Integer outside
# int64 ArgumentError.
require "otel_core_native"

module OtelCore
  N = Otel_core_native
  KINDS = { internal: N::KIND_INTERNAL, server: N::KIND_SERVER, client: N::KIND_CLIENT,
            producer: N::KIND_PRODUCER, consumer: N::KIND_CONSUMER }.freeze
  STATUS = { unset: N::STATUS_UNSET, ok: N::STATUS_OK, error: N::STATUS_ERROR }.freeze

  class Error < StandardError; end

  # A span of the C core. Finishing it gives it back to the core at once;
  # its ids stay readable and it can still be linked to or be a parent.
  class Span
    def set_attribute(key, value)
      N.set_attribute(self, key, value)
      self
    end
    alias []= set_attribute

    def add_attributes(hash)
      N.set_attributes(self, hash)
      self
    end

    def add_event(name, attributes: nil)
      N.add_event(self, name, attributes)
      self
    end

    def add_link(other, attributes: nil)
      N.add_link(self, other, attributes)
      self
    end

    def record_exception(exception)
      raise TypeError, "record_exception needs an Exception, not #{exception.class}" unless exception.is_a?(Exception)

      N.record_exception(self, exception.class.name.to_s, OtelCore.message_of(exception),
                         (exception.backtrace || []).join("\n"))
      self
    end

    # span.status = :error or [:error, "description"]
    def status=(status)
      code, description = status.is_a?(Array) ? status : [status, nil]
      raise ArgumentError, "status must be :unset, :ok or :error, not #{code.inspect}" unless STATUS.key?(code)

      N.set_status(self, STATUS[code], description&.to_s)
    end

    def name=(name)
      N.update_name(self, name)
    end

    def recording? = N.is_recording(self) != 0
    def sampled? = N.is_sampled(self) != 0
    def trace_id = N.trace_id(self)
    def span_id = N.span_id(self)

    # Ends the span; later calls are ignored.
    def finish
      N.end_span(self)
      self
    end

    # A Context holding this span (to pass as with_parent: or to inject).
    def context = N.context_with_span(self)
    def inspect = "#<OtelCore::Span #{trace_id}-#{span_id}>"
  end

  # (OtelCore::Context, what OtelCore.extract returns, is a remote parent to
  # pass as with_parent:.)

  # The spans in_span made current, per fiber (Thread#[] is fiber-local):
  # fibers interleave on one thread (the async gem, Falcon switch them on
  # I/O), so the current span lives here. C's thread-local current is set
  # only in blocking fibers (a thread's root fiber), which never switch
  # behind the caller's back.
  SPANS = :__otel_core_spans

  def self.fiber_span
    stack = Thread.current[SPANS]
    stack&.last
  end

  class Tracer
    # with_parent: a Span, a Context, or nil for the current span (this
    # fiber's, else the one current in C: the host program's). In a
    # blocking fiber in_span made its span current in C as well, so C's is
    # the answer there without a fiber-local lookup.
    def start_span(name, with_parent: nil, attributes: nil, kind: :internal)
      N.start_span(self, name, KINDS.fetch(kind) { raise ArgumentError, "kind must be one of #{KINDS.keys.join(', ')}, not #{kind.inspect}" },
                   attributes, with_parent || (Fiber.blocking? ? nil : OtelCore.fiber_span))
    end

    # Runs the block with a new span current, ends it, and records an
    # exception the block raises, then re-raises it. In a blocking fiber
    # (a thread's own) the span is also current in C for C code the block
    # calls; in a non-blocking one (Fiber.new's default, a scheduler's) it
    # is not: give C code the span, or use OtelCore.c_attached(span) { }.
    def in_span(name, attributes: nil, kind: :internal, with_parent: nil)
      span = start_span(name, with_parent: with_parent, attributes: attributes, kind: kind)
      stack = (Thread.current[SPANS] ||= [])
      stack.push(span)
      token = Fiber.blocking? ? N.attach(span) : 0
      begin
        yield span
      rescue Exception => e # rubocop:disable Lint/RescueException
        span.record_exception(e)
        span.status = [:error, OtelCore.describe(e)]
        raise
      ensure
        N.detach(token)
        stack.pop
        N.end_span(span)
      end
    end
  end

  # error.message, whatever the exception's #message does.
  def self.message_of(error)
    error.message.to_s
  rescue StandardError
    "(unprintable)"
  end

  # "Class: message", for an ERROR status.
  def self.describe(error) = "#{error.class}: #{message_of(error)}"

  # Runs the block with `span` current in C on this thread, for C code
  # called from a non-blocking fiber; the block must not switch fibers.
  def self.c_attached(span)
    raise TypeError, "c_attached needs an OtelCore::Span, not #{span.class}" unless span.is_a?(Span)

    token = N.attach(span)
    begin
      yield span
    ensure
      N.detach(token)
    end
  end

  # The span current in this fiber (in_span's), else in C on this thread
  # (e.g. the host program's); none: a no-op span with all-zero ids.
  def self.current_span = fiber_span || N.current_span

  # A metric instrument: counter.add(n, attributes: {}), histogram.record,
  # gauge.set. Integers stay integers in integer instruments.
  class Instrument
    def add(value, attributes: nil)
      return unless N.record(self, value, attributes) != 0

      raise ArgumentError, "#{value} is not a whole number; this instrument records integers " \
                           "(value_type: :float takes floats)"
    end
    alias record add
    alias set add
  end

  class Meter
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
      raise TypeError, "instrument name must be a String, not #{name.class}" unless name.is_a?(String)
      raise ArgumentError, "value_type must be :int or :float, not #{value_type.inspect}" unless
        %i[int float].include?(value_type)

      N.instrument(self, kind, value_type == :int ? N::NUMBER_INT64 : N::NUMBER_DOUBLE, name, unit,
                   description) or raise ArgumentError, N.last_error
    end
  end

  # OtelCore.configure { |c| c.service_name = "x"; c.traces_sampler = "always_on" }:
  # each setter is an OTEL_* name without the prefix.
  class Config
    attr_reader :settings

    def initialize
      @settings = {}
    end

    def method_missing(name, *args)
      return super unless name.to_s.end_with?("=") && args.size == 1

      key = "OTEL_#{name.to_s.chomp('=').upcase}"
      # only the names the core honours (its option table), at once
      raise ArgumentError, "unknown setting #{name} (#{key} is not an OTEL_* option this SDK reads)" if
        N.option_type(key).negative?

      value = args.first
      return @settings.delete(key) if value.nil? # unset: the environment applies

      unless value.is_a?(String) || value.is_a?(Numeric) || value.is_a?(Symbol) || [true, false].include?(value)
        raise TypeError, "#{key} must be a String, Numeric, Symbol or boolean, not #{value.class}"
      end
      raise ArgumentError, "#{key} contains a NUL byte" if value.to_s.include?("\0")

      @settings[key] = value.to_s
    end

    def respond_to_missing?(name, include_private = false)
      (name.to_s.end_with?("=") && !N.option_type("OTEL_#{name.to_s.chomp('=').upcase}").negative?) || super
    end

    def to_options
      opts = N.options_new
      @settings.each do |k, v|
        raise ArgumentError, N.last_error if N.options_set(opts, k, v) != 0
      end
      opts
    end
  end

  OPTION_TYPES = %i[string bool int double enum list duration key_values].freeze

  # Every OTEL_* option the core honours (its option table): an Array of
  # Hashes {name:, type:, default:, choices:, description:}; type is one of
  # OPTION_TYPES (duration: ms); default and choices (an Array) may be nil.
  # The Config setters are these names without OTEL_, in lower case.
  def self.options
    (0..).lazy.map { |i| N.option_name(i) }.take_while(&:itself).map do |name|
      choices = N.option_choices(name)
      { name: name, type: OPTION_TYPES[N.option_type(name)] || :string, default: N.option_default(name),
        choices: choices&.split(","), description: N.option_description(name) }
    end.to_a
  end

  # A new process-wide tracer provider.
  # status 1 (OTEL_ERR_INVALID_ARGUMENT): a setting the core cannot use
  def self.check(status)
    return true if status.zero?

    raise(status == 1 ? ArgumentError : Error, N.last_error)
  end
  private_class_method :check

  def self.configure
    config = Config.new
    yield config if block_given?
    check(N.configure(config.to_options))
  end

  # OtelCore.configure_metrics(memory: true) { |c| ... }: the process-wide
  # meter provider; memory: true keeps values for OtelCore.metric_value.
  def self.configure_metrics(memory: false)
    config = Config.new
    yield config if block_given?
    config.settings["OTEL_METRICS_EXPORTER"] = "none" if memory
    check(N.configure_metrics(config.to_options, memory ? 1 : 0))
  end

  def self.tracer(name, version = nil)
    raise TypeError, "tracer name must be a String, not #{name.class}" unless name.is_a?(String)

    N.tracer(name, version)
  end

  def self.meter(name, version = nil)
    raise TypeError, "meter name must be a String, not #{name.class}" unless name.is_a?(String)

    N.meter(name, version)
  end

  def self.metric_value(name) = N.metric_value(name.to_s)


  # Writes the current span (or `span`) into `carrier` with OTEL_PROPAGATORS.
  def self.inject(carrier = {}, span: nil)
    raise TypeError, "carrier must be a Hash, not #{carrier.class}" unless carrier.is_a?(Hash)

    h = N.headers_new
    N.inject(h, span || fiber_span)
    N.headers_count(h).times { |i| carrier[N.headers_name(h, i)] = N.headers_value(h, i) }
    carrier
  end

  def self.extract(carrier)
    raise TypeError, "carrier must be a Hash, not #{carrier.class}" unless carrier.is_a?(Hash)

    h = N.headers_new
    carrier.each { |k, v| N.headers_add(h, k.to_s, v.to_s) }
    N.extract(h)
  end

  def self.force_flush(timeout_ms = 30_000) = N.force_flush(timeout_ms).zero?
  def self.shutdown(timeout_ms = 30_000) = N.shutdown(timeout_ms).zero?
  def self.stat(name) = N.stat(name.to_s)
end
