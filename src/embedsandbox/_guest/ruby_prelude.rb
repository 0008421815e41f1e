# The Ruby guest's prelude: evaluated once when a guest state is built (so every guest starts
# with it loaded), then called once per run as EmbedSandbox.run(job) by the host, or, in a
# session, EmbedSandbox.start(job) once and EmbedSandbox.call(job) per call.
#
# job is JSON: code, args, env (run and start), function (nil, or the name of the function to
# call with input once code has run: "execute" for run_function), input (JSON text), stdin
# (a session call's, else nil: a run's is the guest's own). The host reads the return value,
# a String:
#   "<exit status> <1 if NoMemoryError was raised, else 0>\n<function result or nothing>"
# where a function result is "<status>:<json>" (valid, error, json_serialization_error), as
# the host door's result: op. It only labels this guest's own outcome: every limit is the
# host's, whatever this code is made to say.
require "json"
require "set"
require "stringio"
require "js.so" # the host door (`_guest/ruby_http.rb`; the host: `_engines/_ruby/_door.py`)

module EmbedSandbox
  # Frames of ours in a backtrace: this prelude (the host's eval), ruby-init's -e, and the
  # eval that runs main.rb (a C frame: no line number).
  OWN_FRAMES = ["eval", "-e"].freeze
  EVAL_FRAME = /\A[^:]*:in '(Kernel|Binding)[.#]eval'\z/

  # An uncaught NoMemoryError is the memory limit (Ruby raises it without a :raise event,
  # so one the code rescues itself is not seen: the host cannot see a refused memory.grow).
  @nomem = false

  class << self
    def run(blob)
      job = parse(blob)
      begin_with(job)
      outcome(job)
    end

    def start(blob)
      begin_with(parse(blob))
      "0 0\n"
    end

    def call(blob)
      job = parse(blob)
      $stdin = StringIO.new(job["stdin"].unpack1("m")) if job["stdin"]
      outcome(job)
    end

    private

    def parse(blob) = JSON.parse(blob.force_encoding(Encoding::UTF_8))

    def begin_with(job)
      ENV.replace(job["env"])
      ARGV.replace(job["args"])
      $0 = "main.rb"
      $stdout.sync = true
      $stderr.sync = true
    end

    def outcome(job)
      @nomem = false
      status, result = main(job)
      [$stdout, $stderr].each { |io| io.flush rescue nil }
      "#{status} #{@nomem ? 1 : 0}\n#{result}"
    end

    def main(job)
      function = job["function"]
      unless job["code"].empty?
        value = TOPLEVEL_BINDING.eval(job["code"], "main.rb", 1)
        $stdout.write("=> #{value.inspect}\n") if job["interactive"]
      end
      function ? call_function(function, job["input"]) : [0, nil]
    rescue SystemExit => e
      [e.status, function ? "error:" : nil]
    rescue NoMemoryError => e
      @nomem = true
      report(e)
      [1, function ? "error:" : nil]
    rescue Exception => e # rubocop:disable Lint/RescueException - Ruby's own uncaught report
      report(e)
      [1, function ? "error:" : nil]
    end

    def call_function(name, input)
      receiver = TOPLEVEL_BINDING.receiver
      unless receiver.respond_to?(name, true)
        $stderr.write("main.rb: the code defines no function #{name}(input); " \
                      "define it, e.g. def #{name}(input) = input\n")
        return [1, "error:"]
      end
      value = receiver.__send__(name, JSON.parse(input))
      begin
        [0, "valid:" + JSON.generate(value, strict: true)]
      rescue JSON::GeneratorError, TypeError, EncodingError, SystemStackError => e
        $stderr.write("main.rb: #{name}(input) returned a #{value.class} that is not JSON " \
                      "(#{e.message})\n")
        [1, "json_serialization_error:"]
      end
    end

    def report(error)
      trace = error.backtrace
      if trace
        kept = trace.reject do |line|
          OWN_FRAMES.include?(line.split(":", 2).first) || EVAL_FRAME.match?(line)
        end
        error.set_backtrace(kept)
        # No frame of the user's (a syntax error): Ruby's message alone, not our location.
        return $stderr.write(error.detailed_message(highlight: false), "\n") if kept.empty?
      end
      $stderr.write(error.full_message(highlight: false))
    rescue Exception # rubocop:disable Lint/RescueException - the report must not raise
      $stderr.write("#{error.class}\n") rescue nil
    end
  end
end
