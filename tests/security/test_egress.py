"""Egress threats from inside a real guest, with the Sandbox's default (public-only) policy."""

from __future__ import annotations

import pytest

from embedsandbox import Sandbox

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
        "reply = json.loads(_host.call(json.dumps({'op': 'http', 'method': 'GET',\n"
        "    'url': 'http://api.example.com/', 'headers': [['X-A', 'v\\r\\nHost: evil']]}).encode()))\n"
        "print(reply.get('kind'), 'CR' in reply.get('error', ''))\n"
    )
    result = sandbox.run_script(
        language="python", code=code, http={"allow": [{"host": "api.example.com"}]}
    )
    assert "invalid True\n" == result.stdout, result.stderr
