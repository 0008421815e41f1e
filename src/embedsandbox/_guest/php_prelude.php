<?php
// Runs INSIDE the PHP guest, before the job's code (php.ini's auto_prepend_file). Kept small:
// it is compiled in every run. What it sets up:
// - http:// and https:// stream wrappers (file_get_contents, fopen, ... with a stream
//   context's method, header, content, timeout, user_agent, ignore_errors) through the
//   host's egress gateway, which allows only the hosts the request's http.allow lists and
//   adds their credentials. PHP's own http wrapper needs sockets and DNS, which this
//   sandbox does not have.
// - curl_*: the curl extension is not built; a subset of its functions (curl_init,
//   curl_setopt(_array), curl_exec, curl_getinfo, curl_error, curl_errno, curl_reset,
//   curl_close) with the options scripts use most does the same through the gateway.
// - PHP 8.4's http_get_last_response_headers().
// The work is in http.php (`_guest/php_http.php`), loaded by the autoloader below on first
// use, and curl.php (`_guest/php_curl.php`), loaded by curl_init().
// Everything here is the guest's own code: it runs with the job's rights and no more.

namespace EmbedSandbox {
    spl_autoload_register(static function (string $class): void {
        if (strncmp($class, 'EmbedSandbox\\', 13) === 0) {
            require_once '/.sandbox/lib/http.php';
        }
    });

    /** http:// and https:// for file_get_contents, fopen and the like (the work is Http's). */
    final class HttpStream
    {
        public $context;
        private string $body = '';
        private int $at = 0;

        public function stream_open(string $path, string $mode, int $options, ?string &$opened): bool
        {
            $got = Http::open($this->context, $path, $mode);
            if ($got === null) {
                return false;
            }
            // PHP sets $http_response_header in its caller's scope, which a wrapper cannot
            // reach: here it is set in the global scope, and PHP 8.4's
            // http_get_last_response_headers() gives it anywhere.
            $GLOBALS['http_response_header'] = $got[0];
            $this->body = $got[1];
            return true;
        }

        public function stream_read(int $count): string|false
        {
            $chunk = substr($this->body, $this->at, $count);
            $this->at += strlen($chunk);
            return $chunk;
        }

        public function stream_eof(): bool
        {
            return $this->at >= strlen($this->body);
        }

        public function stream_stat(): array|false
        {
            return ['size' => strlen($this->body)];
        }


    }
}

namespace {
    // The build has no curl extension: its constants and curl_init() are here, the other
    // curl_* functions in curl.php, which curl_init() loads (a handle comes first).
    const CURLOPT_URL = 10002,
        CURLOPT_RETURNTRANSFER = 19913,
        CURLOPT_POST = 47,
        CURLOPT_POSTFIELDS = 10015,
        CURLOPT_HTTPHEADER = 10023,
        CURLOPT_CUSTOMREQUEST = 10036,
        CURLOPT_HEADER = 42,
        CURLOPT_NOBODY = 44,
        CURLOPT_TIMEOUT = 13,
        CURLOPT_TIMEOUT_MS = 155,
        CURLOPT_CONNECTTIMEOUT = 78,
        CURLOPT_FOLLOWLOCATION = 52,
        CURLOPT_MAXREDIRS = 68,
        CURLOPT_USERAGENT = 10018,
        CURLOPT_USERPWD = 10005,
        CURLOPT_PUT = 54,
        CURLOPT_FAILONERROR = 45,
        CURLOPT_SSL_VERIFYPEER = 64,
        CURLOPT_SSL_VERIFYHOST = 81,
        CURLOPT_ENCODING = 10102,
        CURLINFO_HTTP_CODE = 2097154,
        CURLINFO_RESPONSE_CODE = 2097154,
        CURLINFO_CONTENT_TYPE = 1048594,
        CURLINFO_EFFECTIVE_URL = 1048577,
        CURLINFO_SIZE_DOWNLOAD = 3145736,
        CURLINFO_TOTAL_TIME = 3145731,
        CURLINFO_HEADER_SIZE = 2097163,
        CURLE_OK = 0,
        CURLE_COULDNT_CONNECT = 7,
        CURLE_OPERATION_TIMEDOUT = 28,
        CURLE_HTTP_RETURNED_ERROR = 22;

    function curl_init(?string $url = null): EmbedSandbox\CurlHandle
    {
        require_once '/.sandbox/lib/curl.php';
        $h = new EmbedSandbox\CurlHandle();
        if ($url !== null) {
            $h->options[CURLOPT_URL] = $url;
        }
        return $h;
    }

    /** PHP 8.4's: the status line and headers of the last HTTP response, or null. */
    function http_get_last_response_headers(): ?array
    {
        return class_exists('EmbedSandbox\\Http', false) ? EmbedSandbox\Http::$lastHeaders : null;
    }

    /** PHP 8.4's: forget them. */
    function http_clear_last_response_headers(): void
    {
        if (class_exists('EmbedSandbox\\Http', false)) {
            EmbedSandbox\Http::$lastHeaders = null;
        }
    }

    stream_wrapper_unregister('http');  // the build has no https wrapper (no openssl)
    stream_wrapper_register('http', EmbedSandbox\HttpStream::class, STREAM_IS_URL);
    stream_wrapper_register('https', EmbedSandbox\HttpStream::class, STREAM_IS_URL);
}
