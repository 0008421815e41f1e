<?php
// Runs INSIDE the PHP guest, loaded on first use by the prelude's autoloader (compiling it
// in every run would cost about 2 ms): the host door and HTTP through the egress gateway.
//
// - EmbedSandbox\Door: the host door. The host serves one file of the harness folder,
//   /.sandbox/lib/door: what the guest writes to it is a message ("<length>\n<message>",
//   framed as the host's door protocol says: `op:payload`), and what it then reads is the
//   host's reply (4 bytes of length, little-endian, then the reply). Nothing else is on
//   that file; no other file is special.
// - EmbedSandbox\Http: one request through the gateway (protocol 1, op "http"), for the
//   prelude's http:// and https:// stream wrapper and its curl_* functions.
// Everything here is the guest's own code: it runs with the job's rights and no more.

namespace EmbedSandbox {
    final class Door
    {
        private static $handle = null;

        /** Send one message to the host; its reply (a string). */
        public static function call(string $message): string
        {
            if (self::$handle === null) {
                $handle = @fopen('/.sandbox/lib/door', 'r');
                if ($handle === false) {
                    throw new \RuntimeException('the host door of this sandbox is closed');
                }
                stream_set_read_buffer($handle, 0);
                self::$handle = $handle;
            }
            $frame = strlen($message) . "\n" . $message;
            $sent = 0;
            while ($sent < strlen($frame)) {
                $n = fwrite(self::$handle, substr($frame, $sent));
                if ($n === false || $n === 0) {
                    throw new \RuntimeException('the host door refused a message');
                }
                $sent += $n;
            }
            $length = unpack('V', self::read(4))[1];
            return self::read($length);
        }

        private static function read(int $length): string
        {
            $out = '';
            while (strlen($out) < $length) {
                $chunk = fread(self::$handle, $length - strlen($out));
                if ($chunk === false || $chunk === '') {
                    throw new \RuntimeException('the host door closed mid-reply');
                }
                $out .= $chunk;
            }
            return $out;
        }
    }

    /** The gateway refused or failed a request; getKind() says how. */
    final class HttpError extends \RuntimeException
    {
        private string $kind;

        public function __construct(string $message, string $kind)
        {
            parent::__construct($message);
            $this->kind = $kind;
        }

        public function getKind(): string
        {
            return $this->kind;
        }
    }

    final class Http
    {
        /** The last response's status line and headers (http_get_last_response_headers). */
        public static ?array $lastHeaders = null;

        /**
         * One request through the gateway: [status, reason, headers (list of [name, value]),
         * body]. Throws HttpError when the gateway refuses or fails it.
         */
        public static function request(
            string $method,
            string $url,
            array $headers,
            ?string $body,
            ?float $timeout
        ): array {
            $message = [
                'op' => 'http',
                'method' => $method,
                'url' => $url,
                'headers' => $headers,
                'body' => ($body === null || $body === '') ? null : base64_encode($body),
            ];
            if ($timeout !== null && $timeout > 0) {
                $message['timeout_s'] = $timeout;
            }
            $json = json_encode($message, JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE);
            $reply = json_decode(Door::call('host:' . $json), true);
            if (!is_array($reply)) {
                throw new HttpError('the host gave no reply to an HTTP request', 'network');
            }
            if (isset($reply['error'])) {
                throw new HttpError((string) $reply['error'], (string) ($reply['kind'] ?? 'network'));
            }
            $out = [];
            foreach ($reply['headers'] ?? [] as $pair) {
                $out[] = [(string) $pair[0], (string) $pair[1]];
            }
            $data = base64_decode((string) ($reply['body'] ?? ''), true);
            return [(int) $reply['status'], (string) ($reply['reason'] ?? ''), $out, $data === false ? '' : $data];
        }

        /** "Name: value" lines (a string or a list, as stream contexts and curl take them). */
        public static function headerPairs($lines): array
        {
            if (is_string($lines)) {
                $lines = preg_split("/\r?\n/", $lines);
            }
            $pairs = [];
            foreach ((array) $lines as $key => $line) {
                if (is_string($key)) {  // ['Name' => 'value'], which some code passes
                    $pairs[] = [$key, (string) $line];
                    continue;
                }
                $line = (string) $line;
                if (trim($line) === '') {
                    continue;
                }
                [$name, $value] = array_pad(explode(':', $line, 2), 2, '');
                $pairs[] = [trim($name), trim($value)];
            }
            return $pairs;
        }

        /**
         * The work of HttpStream::stream_open: [status line and headers, body], or null
         * after a warning (refused, failed, or a 4xx/5xx without ignore_errors).
         */
        public static function open($context, string $path, string $mode): ?array
        {
            if (strpbrk($mode, 'waxc+') !== false) {
                trigger_error("fopen($path): only reading is supported for HTTP URLs", E_USER_WARNING);
                return null;
            }
            $all = $context !== null ? stream_context_get_options($context) : [];
            $http = $all['http'] ?? $all['https'] ?? [];
            $method = strtoupper((string) ($http['method'] ?? 'GET'));
            $headers = self::headerPairs($http['header'] ?? []);
            if (isset($http['user_agent'])) {
                $headers[] = ['User-Agent', (string) $http['user_agent']];
            }
            $content = isset($http['content']) ? (string) $http['content'] : null;
            $timeout = isset($http['timeout']) ? (float) $http['timeout'] : null;
            $ignore = (bool) ($http['ignore_errors'] ?? false);
            try {
                [$status, $reason, $pairs, $body] = self::request($method, $path, $headers, $content, $timeout);
            } catch (HttpError $e) {
                // PHP's own warning follows, without the reason: this one says it.
                trigger_error("$method $path: " . $e->getMessage(), E_USER_WARNING);
                return null;
            }
            $lines = ["HTTP/1.1 $status $reason"];
            foreach ($pairs as [$name, $value]) {
                $lines[] = "$name: $value";
            }
            self::$lastHeaders = $lines;
            if ($status >= 400 && !$ignore) {
                trigger_error("$method $path: HTTP request failed! HTTP/1.1 $status $reason", E_USER_WARNING);
                return null;
            }
            return [$lines, $body];
        }
    }

    /** One curl handle's state (curl_init's). */
    final class CurlHandle
    {
        public array $options = [];
        public array $info = ['http_code' => 0, 'url' => '', 'content_type' => null, 'size_download' => 0, 'total_time' => 0.0];
        public string $error = '';
        public int $errno = 0;
    }

    final class Curl
    {
        /** curl_exec: the body (RETURNTRANSFER), true (printed), or false with curl_error set. */
        public static function exec(CurlHandle $h): string|bool
        {
            $o = $h->options;
            $url = (string) ($o[CURLOPT_URL] ?? '');
            $method = 'GET';
            $body = null;
            if (!empty($o[CURLOPT_NOBODY])) {
                $method = 'HEAD';
            }
            if (!empty($o[CURLOPT_POST]) || isset($o[CURLOPT_POSTFIELDS])) {
                $method = 'POST';
            }
            if (isset($o[CURLOPT_POSTFIELDS])) {
                $fields = $o[CURLOPT_POSTFIELDS];
                $body = is_array($fields) ? http_build_query($fields) : (string) $fields;
            }
            if (!empty($o[CURLOPT_PUT])) {
                $method = 'PUT';
            }
            if (isset($o[CURLOPT_CUSTOMREQUEST])) {
                $method = strtoupper((string) $o[CURLOPT_CUSTOMREQUEST]);
            }
            $headers = Http::headerPairs($o[CURLOPT_HTTPHEADER] ?? []);
            if (is_array($o[CURLOPT_POSTFIELDS] ?? null)) {
                $headers[] = ['Content-Type', 'application/x-www-form-urlencoded'];
            }
            if (isset($o[CURLOPT_USERAGENT])) {
                $headers[] = ['User-Agent', (string) $o[CURLOPT_USERAGENT]];
            }
            if (isset($o[CURLOPT_USERPWD])) {
                $headers[] = ['Authorization', 'Basic ' . base64_encode((string) $o[CURLOPT_USERPWD])];
            }
            $timeout = null;
            if (isset($o[CURLOPT_TIMEOUT])) {
                $timeout = (float) $o[CURLOPT_TIMEOUT];
            }
            if (isset($o[CURLOPT_TIMEOUT_MS])) {
                $timeout = $o[CURLOPT_TIMEOUT_MS] / 1000;
            }
            $started = microtime(true);
            $h->info['url'] = $url;
            try {
                [$status, $reason, $pairs, $data] = Http::request($method, $url, $headers, $body, $timeout);
            } catch (HttpError $e) {
                $h->errno = $e->getKind() === 'timeout' ? 28 : 7;  // CURLE_OPERATION_TIMEDOUT, COULDNT_CONNECT
                $h->error = $e->getMessage();
                return false;
            }
            $h->errno = 0;
            $h->error = '';
            $lines = ["HTTP/1.1 $status $reason"];
            foreach ($pairs as [$name, $value]) {
                $lines[] = "$name: $value";
                if (strcasecmp($name, 'content-type') === 0) {
                    $h->info['content_type'] = $value;
                }
            }
            $head = implode("\r\n", $lines) . "\r\n\r\n";
            $h->info['http_code'] = $status;
            $h->info['size_download'] = strlen($data);
            $h->info['header_size'] = strlen($head);
            $h->info['total_time'] = microtime(true) - $started;
            if (!empty($o[CURLOPT_FAILONERROR]) && $status >= 400) {
                $h->errno = 22;  // CURLE_HTTP_RETURNED_ERROR
                $h->error = "The requested URL returned error: $status";
                return false;
            }
            $out = (!empty($o[CURLOPT_HEADER]) ? $head : '') . $data;
            if (!empty($o[CURLOPT_RETURNTRANSFER])) {
                return $out;
            }
            echo $out;
            return true;
        }
    }
}
