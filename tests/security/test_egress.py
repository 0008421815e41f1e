"""Egress threats from inside a real guest: SSRF, odd host forms, routing headers, private
ranges and where credentials go (issue #11), in Python and JavaScript guests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from embedsandbox import EgressOptions, Sandbox
from embedsandbox.errors import ConfigurationError, RequestValidationError

from ..egress.conftest import Server
from ..egress.conftest import _http_server as _http_server
from ..egress.conftest import _neighbour_server as _neighbour_server
from ..egress.conftest import neighbour as neighbour

pytestmark = pytest.mark.guest

PROBE = (
    "import sys, urllib.request, urllib.error\n"
    "for url in sys.argv[1:]:\n"
    "    try:\n"
    "        urllib.request.urlopen(url, timeout=2)\n"
    "        print('REACHED', url)\n"
    "    except urllib.error.URLError as e:\n"
    "        print('refused', url)\n"
)


def test_allowed_names_that_resolve_to_private_addresses_are_refused(sandbox: Sandbox) -> None:
    """Threat: SSRF through an allowed name pointing at loopback (DNS). Contained by the
    gateway's post-resolution address check."""
    result = sandbox.run_script(
        language="python",
        code=PROBE,
        args=["http://localhost:1/", "http://LOCALHOST./x"],
        http={"allow": [{"host": "localhost"}]},
    )
    assert "REACHED" not in result.stdout
    assert 2 == result.stdout.count("refused"), result.stderr


def test_metadata_and_odd_ip_spellings_are_refused(sandbox: Sandbox) -> None:
    """Threat: cloud metadata and loopback behind unusual IP spellings. Contained by the
    allowlist (an IP only matches an entry naming it) and the address checks."""
    urls = [
        "http://169.254.169.254/latest/meta-data/",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://127.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://metadata.google.internal/",
    ]
    result = sandbox.run_script(
        language="python", code=PROBE, args=urls, http={"allow": [{"host": "*.internal"}]}
    )
    assert "REACHED" not in result.stdout
    assert len(urls) == result.stdout.count("refused"), result.stderr


def test_crlf_header_injection_is_refused(sandbox: Sandbox) -> None:
    """Threat: request smuggling through header values. Contained by the gateway's checks."""
    code = (
        "import json, _host\n"
        "reply = json.loads(_host.call(b'host:' + json.dumps({'op': 'http', 'method': 'GET',\n"
        "    'url': 'http://api.example.com/', 'headers': [['X-A', 'v\\r\\nHost: evil']]}).encode()))\n"
        "print(reply.get('kind'), 'CR' in reply.get('error', ''))\n"
    )
    result = sandbox.run_script(
        language="python", code=code, http={"allow": [{"host": "api.example.com"}]}
    )
    assert "invalid True\n" == result.stdout, result.stderr


def test_oversized_and_deeply_nested_messages_get_a_reply(sandbox: Sandbox) -> None:
    """Threat: a message the gateway's JSON parser chokes on (too long to be a request, or
    nested past the parser's recursion limit). Contained: refused unread with a `limit`
    reply, or answered with an error; the host never raises and the run goes on."""
    code = (
        "import json, _host\n"
        "deep = b'[' * 200_000 + b']' * 200_000\n"
        "big = json.dumps({'op': 'http', 'method': 'POST', 'url': 'http://api.example.com/',\n"
        "    'body': 'A' * (15 << 20)}).encode()\n"
        "for message in (deep, big):\n"
        "    reply = json.loads(_host.call(b'host:' + message))\n"
        "    print('error' in reply, reply.get('kind'))\n"
        "print('still running')\n"
    )
    result = sandbox.run_script(
        language="python",
        code=code,
        http={"allow": [{"host": "api.example.com"}]},
        limits={"memory_size": 512},
    )
    # The nested one is not JSON the gateway can read (`invalid`); the big one is refused
    # unread (`limit`).
    assert "True invalid\nTrue limit\nstill running\n" == result.stdout, result.stderr


# -- the holes of issue #11 ("Egress"), through real guests in both languages -------------
#
# Upstreams are the loopback servers of tests/egress/conftest.py (127.0.0.1, and 127.0.0.2 as
# its closed neighbour); each test checks what the upstream received, not only what the guest
# was told.

LANGS = ["python", "javascript"]
TOKEN = "egress-hole-token-5f1e9a"

PY_PROBE = (
    "import sys, json, urllib.request\n"
    "for url, headers in json.loads(sys.argv[1]):\n"
    "    try:\n"
    "        r = urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5)\n"
    "        r.read()\n"
    "        print('REACHED', r.status)\n"
    "    except Exception as e:\n"
    "        print('refused', type(e).__name__, str(e)[:300].replace(chr(10), ' '))\n"
)
JS_PROBE = (
    "for (const [url, headers] of JSON.parse(process.argv[2])) {\n"
    "  try {\n"
    "    const r = await fetch(url, {headers});\n"
    "    await r.text();\n"
    "    console.log('REACHED', r.status);\n"
    "  } catch (e) {\n"
    "    console.log('refused', e.name, String(e.message).slice(0, 300).replace(/\\n/g, ' '));\n"
    "  }\n"
    "}\n"
)


@pytest.fixture(scope="module")
def opened() -> Iterator[Sandbox]:
    """A Sandbox whose owner opened 127.0.0.1 and ::1 only (not 127.0.0.2)."""
    with Sandbox(
        store=None, egress=EgressOptions(allow_private_networks=["127.0.0.1/32", "::1/128"])
    ) as sb:
        yield sb


@pytest.fixture
def upstream(_http_server: Server) -> Server:
    _http_server.requests.clear()
    return _http_server


def probe(
    sb: Sandbox,
    language: str,
    cases: list[tuple[str, dict[str, str]]],
    allow: list[dict[str, Any]],
) -> list[str]:
    """Run `cases` (url, headers) in a guest; one line per case: 'REACHED ...' or 'refused ...'."""
    result = sb.run_script(
        language=language,
        code=PY_PROBE if language == "python" else JS_PROBE,
        args=[json.dumps(cases)],
        http={"allow": allow},
    )
    lines = result.stdout.splitlines()
    assert len(cases) == len(lines), (result.stdout, result.stderr)
    assert TOKEN not in result.model_dump_json()
    return lines


def _with_token(host: str) -> dict[str, Any]:
    return {"host": host, "auth": {"bearer": {"token": TOKEN}}}


@pytest.mark.parametrize("language", LANGS)
def test_odd_host_forms_are_refused(opened: Sandbox, upstream: Server, language: str) -> None:
    """Threat: a host spelled so that the allowlist and the connection read it differently
    (trailing dots, empty labels, IPv4-mapped IPv6, zone ids, userinfo, backslashes, control
    characters, percent-encoding of a name). Contained: the gateway parses one canonical
    host, refuses every form a browser would not read as the same host, and connects to the
    host it matched."""
    p = upstream.port
    refused = [
        f"http://localhost.:{p}/echo",
        f"http://LOCALHOST.:{p}/echo",
        f"http://localhost..:{p}/echo",
        f"http://.localhost:{p}/echo",
        f"http://localhost%2e:{p}/echo",
        f"http://localhost%2E%2e:{p}/echo",
        f"http://[::ffff:127.0.0.1]:{p}/echo",
        f"http://[::ffff:7f00:1]:{p}/echo",
        f"http://[::127.0.0.1]:{p}/echo",
        f"http://[::1%25lo]:{p}/echo",
        f"http://localhost:{p}@evil.test/echo",
        f"http://evil.test\\localhost:{p}/echo",
        f"http://local host:{p}/echo",
        f"http://localhost\x00:{p}/echo",
    ]
    allow = [_with_token(f"localhost:{p}"), _with_token(f"127.0.0.1:{p}")]
    lines = probe(opened, language, [(url, {}) for url in refused], allow)
    reached = [(url, line) for url, line in zip(refused, lines, strict=True) if "REACHED" in line]
    assert [] == reached
    assert [] == upstream.requests
    # a backslash: refused (Python), or a path separator as in a browser (fetch), so the
    # request goes to the allowed host and never to evil.test
    lines = probe(opened, language, [(f"http://localhost:{p}\\@evil.test/echo", {})], allow)
    if lines[0].startswith("REACHED"):
        assert language == "javascript"
        assert [f"localhost:{p}"] == upstream.last.header("Host")
        assert upstream.last.path.startswith("/@evil.test")
        upstream.requests.clear()
    # the same host spelled as a browser would read it: reached, with its credential
    same = [f"http://LocalHost:{p}/echo", f"http://0x7f.1:{p}/echo", f"http://127.1:{p}/echo"]
    lines = probe(opened, language, [(url, {}) for url in same], allow)
    assert all(line.startswith("REACHED 200") for line in lines), lines
    assert len(same) == len(upstream.requests)
    assert all(r.header("Authorization") == [f"Bearer {TOKEN}"] for r in upstream.requests)


@pytest.mark.parametrize("language", LANGS)
def test_percent_encoded_hosts_are_refused(
    opened: Sandbox, upstream: Server, language: str
) -> None:
    """Threat: `allowed.test%2e` decoded by one parser and not by another. Contained: a host
    with percent-encoding is refused outright, even when it decodes to the allowed host."""
    p = upstream.port
    urls = [
        f"http://127.0.0.1%2e:{p}/echo",
        f"http://127%2e0%2e0%2e1:{p}/echo",
        f"http://local%68ost:{p}/echo",
        f"http://%6c%6f%63%61%6c%68%6f%73%74:{p}/echo",
    ]
    allow = [_with_token(f"localhost:{p}"), _with_token(f"127.0.0.1:{p}")]
    lines = probe(opened, language, [(url, {}) for url in urls], allow)
    assert all(line.startswith("refused") for line in lines), lines
    assert [] == upstream.requests


@pytest.mark.parametrize("language", LANGS)
def test_host_and_forwarding_headers_never_route(
    opened: Sandbox, upstream: Server, language: str
) -> None:
    """Threat: a guest-set Host (or Forwarded, X-Forwarded-*, X-Real-IP, Proxy-*) header
    decides where a request goes, or tells the upstream something false. Contained: the
    gateway sends a request where its URL says; a Host naming another host and every
    routing header are refused in the gateway, whatever the guest's shim did."""
    p = upstream.port
    allowed = f"http://127.0.0.1:{p}/echo"
    cases: list[tuple[str, dict[str, str]]] = [
        (f"http://evil.test:{p}/echo", {"Host": f"127.0.0.1:{p}"}),
        ("http://evil.test/echo", {"Host": f"127.0.0.1:{p}"}),
        (allowed, {"X-Forwarded-Host": "evil.test"}),
        (allowed, {"X-Forwarded-For": "10.0.0.1"}),
        (allowed, {"x-forwarded-proto": "https"}),
        (allowed, {"Forwarded": "for=10.0.0.1;host=evil.test"}),
        (allowed, {"X-Real-IP": "10.0.0.1"}),
        (allowed, {"Proxy-Authorization": "Basic eDp5"}),
        (allowed, {"X-Original-URL": "/admin"}),
    ]
    other_port = p + 1 if p < 65535 else 1
    cases += [
        (allowed, {"Host": "evil.test"}),
        (allowed, {"host": f"127.0.0.1:{other_port}"}),
        (allowed, {"Host": f"evil.test@127.0.0.1:{p}"}),
        (allowed, {"Host": f"127.0.0.1:{p}/x"}),
    ]
    lines = probe(opened, language, cases, [_with_token(f"127.0.0.1:{p}")])
    reached = [(case, line) for case, line in zip(cases, lines, strict=True) if "REACHED" in line]
    assert [] == reached
    assert [] == upstream.requests
    # a Host that names the URL's own host and port is fine (http.client always sends one)
    lines = probe(
        opened, language, [(allowed, {"Host": f"127.0.0.1:{p}"})], [_with_token(f"127.0.0.1:{p}")]
    )
    assert ["REACHED 200"] == lines
    assert [f"127.0.0.1:{p}"] == upstream.last.header("Host")


HTTP_CLIENT_TRICKS = (
    "import http.client, json, sys, urllib.request, _host\n"
    "p = int(sys.argv[1])\n"
    "allowed = f'127.0.0.1:{p}'\n"
    "def read(c):\n"
    "    c.getresponse().read()\n"
    "def host_header():\n"
    "    c = http.client.HTTPConnection('evil.test', p)\n"
    "    c.request('GET', '/echo', headers={'Host': allowed})\n"
    "    read(c)\n"
    "def putheader():\n"
    "    c = http.client.HTTPConnection('evil.test', p)\n"
    "    c.putrequest('GET', '/echo', skip_host=True)\n"
    "    c.putheader('Host', allowed)\n"
    "    c.endheaders()\n"
    "    read(c)\n"
    "def absolute_target():\n"
    "    c = http.client.HTTPConnection('evil.test', p)\n"
    "    c.request('GET', f'http://{allowed}/echo')\n"
    "    read(c)\n"
    "def absolute_target_elsewhere():\n"
    "    c = http.client.HTTPConnection('127.0.0.1', p)\n"
    "    c.request('GET', f'http://evil.test:{p}/echo')\n"
    "    read(c)\n"
    "def tunnel():\n"
    "    c = http.client.HTTPConnection('evil.test', p)\n"
    "    c.set_tunnel('127.0.0.1', p)\n"
    "    c.request('GET', '/echo')\n"
    "    read(c)\n"
    "def tunnel_from_allowed():\n"
    "    c = http.client.HTTPConnection('127.0.0.1', p)\n"
    "    c.set_tunnel('evil.test', p)\n"
    "    c.request('GET', '/echo')\n"
    "    read(c)\n"
    "def https_tunnel():\n"
    "    c = http.client.HTTPSConnection('evil.test', p)\n"
    "    c.set_tunnel('127.0.0.1', p)\n"
    "    c.request('GET', '/echo')\n"
    "    read(c)\n"
    "def urllib_proxy():\n"
    "    proxy = urllib.request.ProxyHandler({'http': f'http://{allowed}'})\n"
    "    urllib.request.build_opener(proxy).open(f'http://evil.test:{p}/echo').read()\n"
    "def urllib_proxy_to_allowed():\n"
    "    proxy = urllib.request.ProxyHandler({'http': f'http://evil.test:{p}'})\n"
    "    urllib.request.build_opener(proxy).open(f'http://{allowed}/echo').read()\n"
    "def connect_method():\n"
    "    c = http.client.HTTPConnection('127.0.0.1', p)\n"
    "    c.request('CONNECT', allowed)\n"
    "    read(c)\n"
    "def raw_door(url, headers):\n"
    "    def call():\n"
    "        reply = json.loads(_host.call(b'host:' + json.dumps({'op': 'http', 'method': 'GET',\n"
    "            'url': url, 'headers': headers}).encode()))\n"
    "        if 'error' in reply:\n"
    "            raise OSError(reply['kind'] + ': ' + reply['error'])\n"
    "    return call\n"
    "tricks = [host_header, putheader, absolute_target, absolute_target_elsewhere, tunnel,\n"
    "    tunnel_from_allowed, https_tunnel, urllib_proxy, urllib_proxy_to_allowed,\n"
    "    connect_method,\n"
    "    raw_door(f'http://evil.test:{p}/echo', [['Host', allowed]]),\n"
    "    raw_door(f'http://{allowed}/echo', [['Host', 'evil.test']]),\n"
    "    raw_door(f'http://{allowed}/echo', [['host', 'EVIL.test'], ['Host', allowed]]),\n"
    "    raw_door(f'http://{allowed}/echo', [['X-Forwarded-Host', 'evil.test']]),\n"
    "    raw_door(f'http://{allowed}/echo', [['Connection', 'Forwarded'],\n"
    "        ['Forwarded', 'host=evil.test']]),\n"
    "]\n"
    "for trick in tricks:\n"
    "    try:\n"
    "        trick()\n"
    "        print(getattr(trick, '__name__', 'raw'), 'REACHED')\n"
    "    except Exception as e:\n"
    "        print(getattr(trick, '__name__', 'raw'), 'refused', type(e).__name__, e)\n"
)


def test_python_http_client_cannot_pick_its_destination_by_header(
    opened: Sandbox, upstream: Server
) -> None:
    """Threat: http.client's own paths (a Host header, putheader, absolute-form targets as a
    proxy gets them, set_tunnel/CONNECT, the raw host door) send a request for an unlisted
    host to a listed one with its credential. Contained: the shim sends each request to the
    host its connection was opened for and refuses proxies and tunnels; the gateway refuses
    a Host that is not the URL's and every routing header."""
    p = upstream.port
    result = opened.run_script(
        language="python",
        code=HTTP_CLIENT_TRICKS,
        args=[str(p)],
        http={"allow": [_with_token(f"127.0.0.1:{p}")]},
    )
    lines = result.stdout.splitlines()
    assert 15 == len(lines), (result.stdout, result.stderr)
    assert [] == [line for line in lines if "REACHED" in line]
    assert [] == upstream.requests
    assert TOKEN not in result.model_dump_json()


@pytest.mark.parametrize("language", LANGS)
def test_private_ranges_only_by_the_owners_opt_in(
    sandbox: Sandbox, opened: Sandbox, upstream: Server, neighbour: Server, language: str
) -> None:
    """Threat: an allow entry naming a loopback or private IP (`127.0.0.3`, `[::1]`) skips
    the private-address block. Contained: only the Sandbox owner's allow_private_networks
    opens a range; what a request names does not."""
    p, n = upstream.port, neighbour.port
    # the default Sandbox opened nothing: every loopback spelling and name is refused
    cases: list[tuple[str, dict[str, str]]] = [
        (f"http://127.0.0.1:{p}/echo", {}),
        (f"http://127.1:{p}/echo", {}),
        (f"http://2130706433:{p}/echo", {}),
        (f"http://localhost:{p}/echo", {}),
        (f"http://127.0.0.2:{n}/echo", {}),
        (f"http://[::1]:{p}/echo", {}),
    ]
    allow = [
        _with_token(f"127.0.0.1:{p}"),
        _with_token(f"localhost:{p}"),
        _with_token(f"127.0.0.2:{n}"),
        _with_token(f"[::1]:{p}"),
        {"host": "127.0.0.3"},
        {"host": "::1"},
    ]
    lines = probe(sandbox, language, cases, allow)
    assert all(line.startswith("refused") for line in lines), lines
    assert all("allow_private_networks" in line for line in lines), lines
    assert ([], []) == (upstream.requests, neighbour.requests)
    # 127.0.0.1/32 opened: its neighbour 127.0.0.2 stays closed
    cases = [(f"http://127.0.0.1:{p}/echo", {}), (f"http://127.0.0.2:{n}/echo", {})]
    lines = probe(opened, language, cases, allow)
    assert lines[0].startswith("REACHED 200"), lines
    assert lines[1].startswith("refused") and "loopback" in lines[1], lines
    assert 1 == len(upstream.requests)
    assert [] == neighbour.requests


@pytest.mark.parametrize("language", LANGS)
def test_metadata_stays_refused_whatever_the_options(language: str) -> None:
    """Threat: cloud instance credentials. Contained: metadata addresses are refused even with
    every private range open and an entry naming the address."""
    urls = [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://169.254.170.2/v2/credentials",
        "http://[64:ff9b::a9fe:a9fe]/",
    ]
    allow = [
        {"host": "169.254.169.254"},
        {"host": "fd00:ec2::254"},
        {"host": "169.254.170.2"},
        {"host": "64:ff9b::a9fe:a9fe"},
    ]
    with Sandbox(store=None, egress=EgressOptions(allow_private_networks=True)) as sb:
        lines = probe(sb, language, [(url, {}) for url in urls], allow)
    assert all(line.startswith("refused") and "metadata" in line for line in lines), lines


def test_private_network_ranges_are_checked() -> None:
    for bad in (["127.0.0.1/8"], ["not-a-cidr"], "127.0.0.1/32", [1], [None]):
        with pytest.raises(ConfigurationError, match="allow_private_networks"):
            EgressOptions(allow_private_networks=bad)  # type: ignore[arg-type]
    options = EgressOptions(allow_private_networks=["127.0.0.1/32", "::1/128"])
    assert 2 == len(options.private_networks)
    assert () == EgressOptions(allow_private_networks=[]).private_networks
    merged = options.with_private_networks(["10.0.0.0/8"])
    assert 3 == len(merged.private_networks)
    assert merged.with_private_networks(True).allow_private_networks is True


@pytest.mark.parametrize("language", LANGS)
def test_credentials_only_where_the_entry_says(
    opened: Sandbox, upstream: Server, language: str
) -> None:
    """Threat: a credential goes to a port, or to a subdomain, its owner never meant. Contained:
    an entry with auth and no port sends it only to the scheme's default port (`:*` or a
    port say otherwise), and a wildcard entry with auth needs the owner's opt-in."""
    p = upstream.port
    url = f"http://127.0.0.1:{p}/echo"
    lines = probe(opened, language, [(url, {})], [_with_token("127.0.0.1")])
    assert lines[0].startswith("refused") and "names no port" in lines[0], lines
    assert [] == upstream.requests
    # another entry without auth admits that port: the request goes, the credential does not
    lines = probe(opened, language, [(url, {})], [_with_token("127.0.0.1"), {"host": "127.0.0.1"}])
    assert ["REACHED 200"] == lines
    assert [] == upstream.last.header("Authorization")
    for host in ("127.0.0.1:*", f"127.0.0.1:{p}"):
        lines = probe(opened, language, [(url, {})], [_with_token(host)])
        assert ["REACHED 200"] == lines
        assert [f"Bearer {TOKEN}"] == upstream.last.header("Authorization")
    with pytest.raises(RequestValidationError, match="wildcard"):
        opened.run_script(
            language=language,
            code="console.log(1)" if language == "javascript" else "print(1)",
            http={"allow": [_with_token("*.example.com")]},
        )
    assert [] == upstream.requests[3:]
    with Sandbox(egress=EgressOptions(allow_wildcard_credentials=True), store=None) as sb:
        result = sb.run_script(
            language=language,
            code="console.log(1)" if language == "javascript" else "print(1)",
            http={"allow": [_with_token("*.example.com")]},
        )
        assert 0 == result.exit_code, result.stderr
