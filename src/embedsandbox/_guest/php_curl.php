<?php
// Runs INSIDE the PHP guest: the curl_* functions besides curl_init(), loaded by curl_init()
// (the prelude's) so that runs without curl do not compile them. The work is
// EmbedSandbox\Curl's (http.php), on the host's egress gateway.

function curl_setopt(EmbedSandbox\CurlHandle $h, int $option, mixed $value): bool
{
    $h->options[$option] = $value;
    return true;
}

function curl_setopt_array(EmbedSandbox\CurlHandle $h, array $options): bool
{
    foreach ($options as $option => $value) {
        $h->options[$option] = $value;
    }
    return true;
}

function curl_exec(EmbedSandbox\CurlHandle $h): string|bool
{
    return EmbedSandbox\Curl::exec($h);
}

function curl_getinfo(EmbedSandbox\CurlHandle $h, ?int $option = null): mixed
{
    $names = [
        CURLINFO_HTTP_CODE => 'http_code', CURLINFO_CONTENT_TYPE => 'content_type',
        CURLINFO_EFFECTIVE_URL => 'url', CURLINFO_SIZE_DOWNLOAD => 'size_download',
        CURLINFO_TOTAL_TIME => 'total_time', CURLINFO_HEADER_SIZE => 'header_size',
    ];
    if ($option === null) {
        return $h->info;
    }
    return isset($names[$option]) ? ($h->info[$names[$option]] ?? false) : false;
}

function curl_error(EmbedSandbox\CurlHandle $h): string
{
    return $h->error;
}

function curl_errno(EmbedSandbox\CurlHandle $h): int
{
    return $h->errno;
}

function curl_close(EmbedSandbox\CurlHandle $h): void
{
}

function curl_reset(EmbedSandbox\CurlHandle $h): void
{
    $h->options = [];
}
