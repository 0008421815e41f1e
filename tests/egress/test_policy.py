"""Host matching: the policy decides the same way for equivalent spellings of a host.

Properties over case, trailing dots, wildcard depth, ports, IDNA and IPv4/IPv6 spellings,
plus examples for the edges a property would rarely hit.
"""

from __future__ import annotations

import ipaddress

import idna
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from embedsandbox._egress._policy import (
    EgressPolicy,
    InvalidHost,
    host_matches,
    parse_host,
    parse_pattern,
    parse_url,
)
from embedsandbox.models import HTTP, HTTPAllow

label = st.from_regex(r"[a-z][a-z0-9-]{0,10}[a-z0-9]|[a-z]", fullmatch=True)
name = st.lists(label, min_size=1, max_size=4).map(".".join)
port = st.integers(1, 65535)


def recase(draw: st.DrawFn, text: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.upper() if flip else c for c, flip in zip(text, flips, strict=True))


@st.composite
def spelled(draw: st.DrawFn, host: str) -> str:
    """`host` in another case."""
    return recase(draw, host)


@given(st.data(), name, port)
def test_case_does_not_matter(data: st.DataObject, host: str, p: int) -> None:
    pattern = data.draw(spelled(host))
    url_host = data.draw(spelled(host))
    assert host_matches(pattern, url_host, p)
    assert host_matches("*." + pattern, "Sub." + url_host, p)


@given(name)
def test_trailing_dot_is_refused(host: str) -> None:
    """A browser treats `example.com.` as another host than `example.com`: refused, in URLs
    and in allow entries (no parser downstream may read it differently)."""
    with pytest.raises(InvalidHost, match="ends with a dot"):
        parse_host(host + ".")
    with pytest.raises(InvalidHost):
        parse_pattern(host + ".")


@given(name, name, port)
def test_different_names_do_not_match(a: str, b: str, p: int) -> None:
    assume(a != b)
    assert not host_matches(a, b, p)


@given(st.lists(label, min_size=1, max_size=5).map(".".join), name, port)
def test_wildcard_matches_any_depth_but_not_the_apex(prefix: str, suffix: str, p: int) -> None:
    assert host_matches(f"*.{suffix}", f"{prefix}.{suffix}", p)
    assert not host_matches(f"*.{suffix}", suffix, p)
    # a label boundary is needed: "evilexample.com" is not under "example.com"
    assert not host_matches(f"*.{suffix}", f"{prefix}{suffix}", p)
    assert not host_matches(f"*.{prefix}.{suffix}", suffix, p)


@given(name, port, port)
def test_ports(host: str, allowed: int, used: int) -> None:
    assert host_matches(host, host, used)  # no port in the entry: any port
    assert host_matches(f"{host}:{allowed}", host, used) == (allowed == used)
    assert host_matches(f"*.{host}:{allowed}", f"a.{host}", used) == (allowed == used)


def test_url_default_ports() -> None:
    assert 443 == parse_url("https://a.example/").port
    assert 80 == parse_url("http://a.example/").port
    assert 8443 == parse_url("https://a.example:8443/").port
    assert 443 == parse_url("https://a.example:/").port
    assert parse_pattern("a.example:443").matches(parse_url("https://a.example/").host, 443)


idn_label = st.text(alphabet="abcdefghz0123456789éüöäñçøåæłřžαβγдж", min_size=1, max_size=12)


@given(st.lists(idn_label, min_size=1, max_size=3), port)
@example(["bücher", "example"], 443)
def test_idna_forms_are_equivalent(labels: list[str], p: int) -> None:
    assume(not labels[-1].isdigit())  # that would be an IPv4 address
    unicode_host = ".".join(labels)
    try:
        ascii_host = idna.encode(unicode_host, uts46=True).decode()
    except idna.IDNAError:
        assume(False)
        return
    assert host_matches(unicode_host, ascii_host, p)
    assert host_matches(ascii_host, unicode_host, p)
    assert host_matches("*." + unicode_host, "www." + ascii_host, p)
    upper = unicode_host.upper()
    if upper.lower() == unicode_host:
        assert host_matches(ascii_host, upper, p)


def test_idna_examples() -> None:
    assert "xn--bcher-kva.example" == parse_host("bücher.example")
    assert "xn--bcher-kva.example" == parse_host("BÜCHER.example")
    with pytest.raises(InvalidHost, match="ends with a dot"):
        parse_host("BÜCHER.example.")
    with pytest.raises(InvalidHost, match="ends with a dot"):
        parse_host("example\uff0ecom\uff0e")  # fullwidth dots map to '.'
    for bad in ("xn--zz.example", "xn--.example", "XN--ABC.example"):
        with pytest.raises(InvalidHost):
            parse_host(bad)
    assert "example.com" == parse_host("ｅｘａｍｐｌｅ。ｃｏｍ")  # fullwidth letters and dot
    assert host_matches("bücher.example", "xn--bcher-kva.example", 80)
    with pytest.raises(InvalidHost):
        parse_host("xn--zz.\u0301bad")


@st.composite
def ipv4_spellings(draw: st.DrawFn) -> tuple[ipaddress.IPv4Address, str]:
    value = draw(st.integers(0, 2**32 - 1))
    octets = list(ipaddress.IPv4Address(value).packed)
    parts = draw(st.sampled_from([1, 2, 3, 4]))
    if parts == 1:
        numbers = [value]
    elif parts == 2:
        numbers = [octets[0], value & 0xFFFFFF]
    elif parts == 3:
        numbers = [octets[0], octets[1], value & 0xFFFF]
    else:
        numbers = octets
    styles = draw(
        st.lists(st.sampled_from(["dec", "hex", "HEX", "oct"]), min_size=parts, max_size=parts)
    )
    text = ".".join(
        str(n) if s == "dec" else hex(n) if s == "hex" else f"0X{n:X}" if s == "HEX" else f"0{n:o}"
        for n, s in zip(numbers, styles, strict=True)
    )
    return ipaddress.IPv4Address(value), text


@given(ipv4_spellings(), port)
@example((ipaddress.IPv4Address("127.0.0.1"), "2130706433"), 80)
@example((ipaddress.IPv4Address("127.0.0.1"), "0x7f.1"), 80)
@example((ipaddress.IPv4Address("127.0.0.1"), "127.1"), 80)
@example((ipaddress.IPv4Address("127.0.0.1"), "0177.0.0.1"), 80)
def test_ipv4_spellings_parse_as_a_browser_does(
    case: tuple[ipaddress.IPv4Address, str], p: int
) -> None:
    address, text = case
    assert address == parse_host(text)
    assert host_matches(str(address), text, p)
    assert host_matches(text, str(address), p)
    assert address == parse_url(f"http://{text}:{p}/").host


@pytest.mark.parametrize(
    "text",
    [
        "1.2.3.4.5",
        "256.1.1.1",
        "1.2.65536",
        "09.1.1.1",
        "0x1g.1",
        "foo.123",
        "a.0x10",
        "4294967296",
    ],
)
def test_malformed_numeric_hosts_are_invalid(text: str) -> None:
    """A name ending in a number is an IPv4 address or nothing: never a DNS name that a
    resolver might read as an address after the check."""
    with pytest.raises(InvalidHost):
        parse_host(text)


@given(st.ip_addresses(v=6), port)
def test_ipv6_spellings(address: ipaddress.IPv6Address, p: int) -> None:
    # IPv6 forms of IPv4 addresses are refused (test_ipv6_forms_of_ipv4_are_refused)
    assume(address.ipv4_mapped is None)
    assume(address not in ipaddress.ip_network("::/96") or int(address) <= 1)
    for form in (address.compressed, address.exploded, address.exploded.upper()):
        assert host_matches(f"[{address.compressed}]", f"[{form}]", p)
        assert host_matches(address.exploded, f"[{form}]", p)  # bare IPv6 in an entry


@given(st.ip_addresses(v=4), name, port)
def test_addresses_and_names_never_cross(address: ipaddress.IPv4Address, host: str, p: int) -> None:
    assert not host_matches(str(address), host, p)
    assert not host_matches(host, str(address), p)
    assert not host_matches(f"*.{host}", str(address), p)


def test_ipv6_forms_of_ipv4_are_refused() -> None:
    """`[::ffff:127.0.0.1]` connects to 127.0.0.1 on a dual-stack socket but is another host to
    a browser: refused, as is the deprecated IPv4-compatible form."""
    for text in ("[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::127.0.0.1]", "[::ffff:8.8.8.8]"):
        with pytest.raises(InvalidHost, match="IPv6 form of an IPv4"):
            parse_host(text)
    assert ipaddress.IPv6Address("::1") == parse_host("[::1]")


def _policy(*hosts: str) -> EgressPolicy:
    allow = [HTTPAllow(host=h) for h in hosts]
    return EgressPolicy.resolve(HTTP(allow=allow), None)


@given(st.lists(label, min_size=1, max_size=3).map(".".join), name, port)
def test_most_specific_entry_wins(prefix: str, suffix: str, p: int) -> None:
    host = f"{prefix}.{suffix}"
    entries = [f"*.{suffix}", host, f"*.{prefix}.{suffix}", f"{host}:{p}"]
    for order in (entries, entries[::-1]):
        policy = _policy(*order)
        rule = policy.match(parse_host(f"a.{host}"), p)
        assert rule is not None and f"*.{prefix}.{suffix}" == rule.pattern.text
        rule = policy.match(parse_host(host), p)
        assert rule is not None and f"{host}:{p}" == rule.pattern.text
        other_port = p % 65535 + 1
        rule = policy.match(parse_host(host), other_port)
        assert rule is not None and host == rule.pattern.text


def test_first_of_equals_wins() -> None:
    policy = _policy("api.example.com", "API.example.com")
    rule = policy.match("api.example.com", 443)
    assert rule is not None and 0 == rule.index
