# Runs INSIDE the Ruby guest (loaded into the guest state after the prelude): HTTP(S) for
# Net::HTTP, and so for open-uri and every gem built on Net::HTTP, through the host's egress
# gateway. ruby.wasm has no sockets, so:
# - `socket` and `io/wait` are stood in for (what net/protocol and resolv need to load);
#   opening a real socket raises SocketError, saying why;
# - Net::HTTP#connect makes a DoorSocket instead of a TCP (and TLS) connection. It collects
#   the request bytes Net::HTTP writes; once a request is complete it is sent to the host as
#   one message (protocol v1, op "http"), and the reply becomes the bytes Net::HTTP's own
#   response parser reads (so chunking, gzip, read_body with a block, ... are Net::HTTP's);
# - the host door is ruby.wasm's JavaScript-interop import `eval-js`: the host answers it
#   (there is no JavaScript here) with the gateway's reply, read back with `to_s`.
# TLS, certificate checks, redirects, credentials and the allowlist are the host's job:
# verify_mode, ca_file, proxies and the like are accepted and have no effect.

class SocketError < StandardError; end unless defined?(SocketError)

# What `require "socket"` gives: enough for net/protocol and resolv to load. No socket can
# be opened: HTTP goes through Net::HTTP (patched below) and the host's gateway.
class BasicSocket < IO; end unless defined?(BasicSocket)

class Socket < BasicSocket
  AF_INET = 2
  AF_INET6 = 10
  AF_UNSPEC = 0
  IPPROTO_TCP = 6
  TCP_NODELAY = 1
  SOCK_STREAM = 1
  SOCK_DGRAM = 2

  def self.new(*)
    raise SocketError, "this sandbox has no sockets; use Net::HTTP (or open-uri), which " \
                       "goes through the host's gateway to the hosts http.allow lists"
  end

  def self.tcp(*) = new
  def self.gethostname = "sandbox"
  def self.getaddrinfo(*) = new
  def self.ip_address_list = []
end

class IPSocket < BasicSocket
  def self.new(*) = Socket.new
  def self.getaddress(*) = Socket.new
end

class TCPSocket < IPSocket
  def self.open(*) = Socket.new
  def self.gethostbyname(*) = Socket.new
end

class UDPSocket < IPSocket; end
class TCPServer < TCPSocket; end

class IO
  # io/wait's methods, for the IO objects a guest has (files and pipes never block here).
  unless method_defined?(:wait_readable)
    def wait_readable(_timeout = nil) = self
    def wait_writable(_timeout = nil) = self
  end
end

$LOADED_FEATURES.push("socket.so", "io/wait.so")

require "openssl"

# ruby.wasm's openssl has no SSL (no sockets): what Net::HTTP and its callers name. TLS is the
# host's: the gateway verifies every certificate, whatever verify_mode says.
unless defined?(OpenSSL::SSL)
  module OpenSSL
    module SSL
      VERIFY_NONE = 0
      VERIFY_PEER = 1
      VERIFY_FAIL_IF_NO_PEER_CERT = 2
      VERIFY_CLIENT_ONCE = 4
      class SSLError < OpenSSLError; end
    end
  end
end

require "uri"
require "net/http"

module EmbedSandbox
  # The host door (see the top of this file): one message in, the host's reply out.
  JS_EVAL = JS.method(:eval)
  JS_TO_S = JS::Object.instance_method(:to_s)
  private_constant :JS_EVAL, :JS_TO_S

  def self.host_call(message)
    JS_TO_S.bind_call(JS_EVAL.call(message)).force_encoding(Encoding::UTF_8)
  end

  # The host's gateway refused or failed a request; `kind` says how (denied, invalid, limit,
  # network, timeout) and the message names the host.
  class HTTPError < SocketError
    attr_reader :kind

    def initialize(message, kind = nil)
      super(message)
      @kind = kind
    end
  end

  # Stands in for Net::HTTP's connected socket: buffers one request, answers with the
  # reply's bytes.
  class DoorSocket
    HOP_BY_HOP = %w[connection keep-alive proxy-connection transfer-encoding te trailer
                    upgrade content-length].freeze

    def initialize(scheme, host, port, timeout)
      @scheme = scheme
      @host = host.to_s
      @port = port
      @timeout = timeout.is_a?(Numeric) ? timeout : nil
      @out = "".b
      @in = "".b
      @at = 0
      @closed = false
    end

    def to_io = self
    def wait_readable(_timeout = nil) = (@at < @in.bytesize ? self : nil)
    def wait_writable(_timeout = nil) = self
    def closed? = @closed
    def close = (@closed = true) && nil
    def eof? = @at >= @in.bytesize && @out.empty?

    def write_nonblock(str, exception: true) # rubocop:disable Lint/UnusedMethodArgument
      raise IOError, "closed stream" if @closed

      @out << str.b
      exchange_when_complete
      str.bytesize
    end

    def write(*strs) = strs.sum { |s| write_nonblock(s.to_s) }

    def read_nonblock(len, buf = nil, exception: true) # rubocop:disable Lint/UnusedMethodArgument
      raise IOError, "closed stream" if @closed

      exchange(@out.slice!(0..)) if @at >= @in.bytesize && !@out.empty?
      return nil if @at >= @in.bytesize

      data = @in.byteslice(@at, len)
      @at += data.bytesize
      return data if buf.nil?

      buf.replace(data)
    end

    private

    def exchange_when_complete
      head_end = @out.index("\r\n\r\n")
      return unless head_end

      head = @out.byteslice(0, head_end).downcase
      body = @out.bytesize - head_end - 4
      if head.include?("\r\ntransfer-encoding: chunked")
        return unless @out.end_with?("0\r\n\r\n")
      else
        length = head[/\r\ncontent-length:\s*(\d+)/, 1].to_i
        return if body < length
      end
      exchange(@out.slice!(0..))
    end

    def exchange(raw)
      head, body = raw.split("\r\n\r\n", 2)
      lines = head.split("\r\n")
      method, target, = lines.shift.split(" ", 3)
      chunked = false
      headers = lines.filter_map do |line|
        name, value = line.split(":", 2).map { |part| latin1(part.to_s.strip) }
        if name.casecmp?("transfer-encoding") && value.casecmp?("chunked")
          chunked = true
          next
        end
        # Host (and every other header) goes to the gateway as sent: the gateway refuses a
        # Host that does not name the URL's host, and headers that route requests.
        [name, value]
      end
      body = dechunk(body.to_s) if chunked
      message = { "op" => "http", "method" => latin1(method), "url" => url(latin1(target)),
                  "headers" => headers, "body" => body.to_s.empty? ? nil : [body].pack("m0") }
      message["timeout_s"] = @timeout if @timeout
      reply = JSON.parse(EmbedSandbox.host_call("host:" + JSON.generate(message)))
      raise_for(reply) if reply.key?("error")
      @in = response_bytes(reply, method)
      @at = 0
    end

    def raise_for(reply)
      text = reply["error"].to_s
      case reply["kind"]
      when "timeout" then raise Net::OpenTimeout, text
      when "invalid" then raise ArgumentError, text
      else raise HTTPError.new(text, reply["kind"])
      end
    end

    def latin1(text) = text.b.encode(Encoding::UTF_8, Encoding::ISO_8859_1)

    def dechunk(body)
      out = "".b
      rest = body.b
      until rest.empty?
        size_line, rest = rest.split("\r\n", 2)
        size = size_line.to_s.split(";", 2).first.to_s.strip.to_i(16)
        break if size.zero? || rest.nil?

        out << rest.byteslice(0, size)
        rest = rest.byteslice(size + 2..) || "".b
      end
      out
    end

    def origin
      host = @host
      if host.empty? || host.match?(%r{[/?#@\\%\s\x00-\x1f\x7f]})
        raise HTTPError.new("invalid host #{host.inspect} for an HTTP connection", "invalid")
      end

      host = "[#{host}]" if host.include?(":") && !host.start_with?("[")
      default = @scheme == "https" ? 443 : 80
      [host, @port.nil? ? default : Integer(@port), default]
    end

    # The request goes to the host this connection was opened for, never to the one a
    # header or an absolute-form target (a proxy request) names.
    def url(target)
      host, port, default = origin
      if target.match?(%r{\A[a-zA-Z][a-zA-Z0-9+.-]*://})
        parts = URI.parse(target)
        same = parts.scheme.to_s.downcase == @scheme && parts.userinfo.nil? &&
               parts.host.to_s.delete_prefix("[").delete_suffix("]").casecmp?(
                 @host.delete_prefix("[").delete_suffix("]")
               ) && (parts.port || default) == port
        unless same
          raise HTTPError.new(
            "the request names #{parts.scheme}://#{parts.host} but its connection is to " \
            "#{@scheme}://#{host}:#{port}; proxies are not supported (the host's gateway is " \
            "the only way out)", "invalid"
          )
        end
        target = parts.request_uri.to_s
      elsif !target.start_with?("/")
        raise HTTPError.new("request target #{target[0, 40].inspect} is not a path", "invalid")
      end
      netloc = port == default ? host : "#{host}:#{port}"
      "#{@scheme}://#{netloc}#{target}"
    end

    def response_bytes(reply, method)
      body = reply["body"].to_s.unpack1("m")
      lines = ["HTTP/1.1 #{Integer(reply["status"])} #{reply["reason"]}"]
      length = body.bytesize
      Array(reply["headers"]).each do |name, value|
        name = name.to_s
        if name.casecmp?("content-length") && method.casecmp?("HEAD")
          length = value # a HEAD response has none of the body its length describes
        elsif !HOP_BY_HOP.include?(name.downcase)
          lines << "#{name}: #{value}"
        end
      end
      lines << "Content-Length: #{length}" << "Connection: close"
      (lines.join("\r\n") + "\r\n\r\n").encode(Encoding::UTF_8).b + body.b
    end
  end
end

module Net
  class HTTP
    private

    # One DoorSocket per connection (see the top of this file): no TCP, no TLS, no proxy.
    def connect
      scheme = use_ssl? ? "https" : "http"
      socket = EmbedSandbox::DoorSocket.new(scheme, @address, @port, @read_timeout)
      @socket = BufferedIO.new(socket, read_timeout: @read_timeout,
                                       write_timeout: @write_timeout,
                                       continue_timeout: @continue_timeout,
                                       debug_output: @debug_output)
      @last_communicated = nil
      on_connect
    end
  end
end
