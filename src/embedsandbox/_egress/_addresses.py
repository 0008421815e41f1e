"""Address checks against server-side request forgery, and DNS resolution with a time limit.

The gateway calls `resolve()` for a host name, then `refusal()` for every address it got, and
connects only to an address that passed: the check and the connection use the same address, so
a second lookup (DNS rebinding) cannot swap it.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from typing import Any, Final

__all__ = [
    "ALL_NETWORKS",
    "METADATA_HOST_NAMES",
    "IPAddress",
    "IPNetwork",
    "ResolutionTimeout",
    "is_metadata",
    "opted_in",
    "refusal",
    "resolve",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network

# Named ranges, most specific first, so a refusal says what the address is. Anything else
# that Python's `ipaddress` does not call global is refused as "reserved" by `_category`.
_V4_RANGES: Final = (
    (_V4("0.0.0.0/8"), "unspecified ('this network')"),
    (_V4("10.0.0.0/8"), "private"),
    (_V4("100.64.0.0/10"), "shared (carrier-grade NAT)"),
    (_V4("127.0.0.0/8"), "loopback"),
    (_V4("169.254.0.0/16"), "link-local"),
    (_V4("172.16.0.0/12"), "private"),
    (_V4("192.0.0.0/24"), "reserved (IETF protocol assignments)"),
    (_V4("192.0.2.0/24"), "documentation"),
    (_V4("192.88.99.0/24"), "reserved (6to4 relay anycast)"),
    (_V4("192.168.0.0/16"), "private"),
    (_V4("198.18.0.0/15"), "benchmarking"),
    (_V4("198.51.100.0/24"), "documentation"),
    (_V4("203.0.113.0/24"), "documentation"),
    (_V4("224.0.0.0/4"), "multicast"),
    (_V4("255.255.255.255/32"), "broadcast"),
    (_V4("240.0.0.0/4"), "reserved"),
)
_V6_RANGES: Final = (
    (_V6("::/128"), "unspecified"),
    (_V6("::1/128"), "loopback"),
    (_V6("::/96"), "IPv4-compatible (deprecated)"),
    (_V6("64:ff9b:1::/48"), "local-use NAT64"),
    (_V6("100::/64"), "discard-only"),
    (_V6("2001::/32"), "Teredo"),
    (_V6("2001:db8::/32"), "documentation"),
    (_V6("fc00::/7"), "private (unique local)"),
    (_V6("fe80::/10"), "link-local"),
    (_V6("fec0::/10"), "site-local (deprecated)"),
    (_V6("ff00::/8"), "multicast"),
)
_NAT64: Final = _V6("64:ff9b::/96")

METADATA_ADDRESSES: Final[frozenset[IPAddress]] = frozenset(
    {
        ipaddress.IPv4Address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack, ...
        ipaddress.IPv4Address("169.254.170.2"),  # AWS ECS task metadata
        ipaddress.IPv4Address("100.100.100.200"),  # Alibaba Cloud
        ipaddress.IPv6Address("fd00:ec2::254"),  # AWS IMDS over IPv6
    }
)
"""Cloud metadata services: always refused, whatever `allow_private_networks` or an allow
entry says."""

ALL_NETWORKS: Final[tuple[IPNetwork, ...]] = (
    ipaddress.IPv4Network("0.0.0.0/0"),
    ipaddress.IPv6Network("::/0"),
)
"""What `allow_private_networks=True` opens: every range (metadata addresses excepted)."""

METADATA_HOST_NAMES: Final = frozenset({"metadata.google.internal", "metadata"})
"""Names of cloud metadata services, refused before any lookup."""


class ResolutionTimeout(Exception):
    """The lookup did not finish in time."""


def is_metadata(address: IPAddress) -> bool:
    """Whether `address` (or the IPv4 address it embeds) is a cloud metadata service."""
    return address in METADATA_ADDRESSES or _embedded_v4(address) in METADATA_ADDRESSES


def opted_in(address: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    """Whether the Sandbox owner's `networks` cover `address`.

    An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, which a dual-stack socket connects to as
    `a.b.c.d`) is covered when the IPv4 address it carries is; other IPv6 forms that embed an
    IPv4 address (NAT64, 6to4) go elsewhere, and are covered only by an IPv6 range.
    """
    candidates: list[IPAddress] = [address]
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        candidates.append(address.ipv4_mapped)
    return any(
        candidate.version == network.version and candidate in network
        for candidate in candidates
        for network in networks
    )


def refusal(address: IPAddress) -> str | None:
    """Why `address` is not a public unicast address (e.g. "a loopback address"), or None.

    IPv4 addresses carried inside IPv6 (IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`,
    6to4 `2002::/16`) are judged by the IPv4 address they carry.
    """
    inner = _embedded_v4(address)
    if inner is not None:
        why = _category(inner)
        if why is None:
            return None
        return f"an IPv6 address carrying {inner}, {_article(why)} {why} address"
    why = _category(address)
    return None if why is None else f"{_article(why)} {why} address"


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _embedded_v4(address: IPAddress) -> ipaddress.IPv4Address | None:
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _category(address: IPAddress) -> str | None:
    ranges = _V4_RANGES if isinstance(address, ipaddress.IPv4Address) else _V6_RANGES
    for network, name in ranges:
        if address in network:
            return name
    if (
        not address.is_global
        or address.is_multicast
        or address.is_reserved
        or address.is_link_local
        or address.is_loopback
        or address.is_private
        or address.is_unspecified
    ):
        return "reserved"
    return None


def resolve(name: str, port: int, timeout_s: float) -> list[IPAddress]:
    """The addresses `name` resolves to for TCP, in the resolver's order, without duplicates.

    The lookup runs on a daemon thread so a stuck resolver cannot hold the caller past
    `timeout_s` seconds.

    Raises:
        ResolutionTimeout: the lookup took longer than `timeout_s`.
        OSError: the lookup failed (`socket.gaierror`), or gave no address.

    """
    results: list[list[tuple[Any, ...]]] = []
    errors: list[OSError] = []
    done = threading.Event()

    def lookup() -> None:
        try:
            found = socket.getaddrinfo(
                name, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
            )
            results.append([tuple(item) for item in found])
        except OSError as exc:
            errors.append(exc)
        except UnicodeError as exc:  # a label the codec refuses
            errors.append(OSError(str(exc)))
        finally:
            done.set()

    threading.Thread(target=lookup, name="embedsandbox-dns", daemon=True).start()
    if not done.wait(max(timeout_s, 0.0)):
        raise ResolutionTimeout(name)
    if errors:
        raise errors[0]
    addresses: list[IPAddress] = []
    for *_, sockaddr in results[0]:
        text = str(sockaddr[0]).split("%", 1)[0]  # drop an IPv6 scope id
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            continue
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        msg = f"no address for {name!r}"
        raise OSError(msg)
    return addresses
