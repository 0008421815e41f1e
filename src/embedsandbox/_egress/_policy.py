"""Host matching, URL parsing and credential resolution for the egress gateway.

`EgressPolicy.resolve()` turns a request's `http` field into rules before any guest starts
(looking up `secret_id`s, validating hosts and auth); the gateway then asks `match()` for each
request and each redirect hop. Hosts are compared in one canonical form on both sides:

- names: lower case, IDNA (UTS #46, non-transitional) A-labels, so `Bücher.Example` and
  `xn--bcher-kva.example` are the same host. Refused, because a browser would not read them as
  the same host or because two parsers could disagree: a trailing dot (`example.com.` is
  another origin), percent-encoding (`example%2ecom`), empty labels, `xn--` labels that are not
  valid punycode, anything but letters, digits, `-`, `_` and `.` after IDNA mapping;
- IPv4: a name whose last label is a number is parsed the way browsers do (WHATWG URL), so
  `2130706433`, `0x7f.1`, `127.1` and `0177.0.0.1` all mean 127.0.0.1, and one that does not
  parse (`1.2.3.4.5`, `09.1`) is invalid;
- IPv6: in brackets in a URL (`[::1]`), compared as addresses; zone ids and IPv6 forms that
  carry an IPv4 address (`[::ffff:127.0.0.1]`, `[::127.0.0.1]`) are refused: write the IPv4.

An allow entry's `host` is an exact name, `*.suffix` (any subdomain of any depth, not the
suffix itself), or an IP literal (which matches only that address), each with an optional
`:port` or `:*`. With a port an entry matches only that port (a URL without a port has its
scheme's: 80 or 443); `:*` matches every port. Without either, an entry without `auth` matches
every port, and an entry with `auth` only the scheme's default port (80 for http, 443 for
https), so a credential never goes to a port its entry did not name. When several entries
match, the most specific wins: an exact name or IP over a wildcard, a longer wildcard over a
shorter one, an entry with a port over one without; among equals, the first listed.
"""

from __future__ import annotations

import base64
import ipaddress
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from .._secrets import SecretStore
from ..errors import NotFoundError, RequestValidationError
from ..models import HTTP, Auth
from ._addresses import IPAddress

__all__ = [
    "URL",
    "AllowRule",
    "Credentials",
    "DEFAULT_PORTS",
    "EgressPolicy",
    "GATEWAY_HEADERS",
    "HEADER_TOKEN",
    "HOP_BY_HOP",
    "HostPattern",
    "InvalidHost",
    "InvalidURL",
    "MAX_URL_CHARS",
    "format_host",
    "host_matches",
    "join_url",
    "parse_host",
    "parse_pattern",
    "parse_url",
    "remove_query_key",
]

Host = str | IPAddress
"""A canonical host: an ASCII name, or an address."""

MAX_URL_CHARS: Final = 32 << 10
"""The longest URL the gateway accepts, in characters."""
DEFAULT_PORTS: Final = {"http": 80, "https": 443}

HEADER_TOKEN: Final = re.compile(  # RFC 9110 token: header names and methods
    r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
)
_ASCII_NAME: Final = re.compile(r"[a-z0-9_\-.]+")
# Characters sent as they are in a path or query; others are percent-encoded (UTF-8).
_URL_SAFE: Final = "/?:@!$&'()*+,;=-._~%[]"


class InvalidHost(ValueError):
    """A host that cannot be parsed; the message says why and is safe to show."""


class InvalidURL(ValueError):
    """A URL the gateway refuses; the message names no credential and is safe to show."""


def parse_host(text: str) -> Host:
    """The canonical form of a host as written in a URL (brackets around IPv6).

    Raises:
        InvalidHost: empty, bad characters, a bad IDNA label, a number that is not an IPv4
            address, an over-long name or label.

    """
    if text.startswith("[") or text.endswith("]"):
        if not (text.startswith("[") and text.endswith("]")):
            msg = f"host {text!r} has unbalanced brackets"
            raise InvalidHost(msg)
        inner = text[1:-1]
        if "%" in inner:
            msg = f"host {text!r} has an IPv6 zone id, which the gateway does not accept"
            raise InvalidHost(msg)
        try:
            address = ipaddress.IPv6Address(inner)
        except ValueError:
            msg = f"host {text!r} is not a valid IPv6 address"
            raise InvalidHost(msg) from None
        if address.ipv4_mapped is not None or (address in _V4_COMPATIBLE and int(address) > 1):
            msg = (
                f"host {text!r} is an IPv6 form of an IPv4 address, which the gateway does "
                "not accept; write the IPv4 address itself"
            )
            raise InvalidHost(msg)
        return address
    if not text:
        msg = "the URL has no host"
        raise InvalidHost(msg)
    if "%" in text or "\uff05" in text or "\ufe6a" in text:
        msg = (
            f"host {text!r} is percent-encoded, which the gateway does not accept; "
            "write the host name itself"
        )
        raise InvalidHost(msg)
    name = _to_ascii(text)
    labels = name.split(".")
    if name.endswith(".") and name.strip("."):
        msg = (
            f"host {text!r} ends with a dot, which makes it another host than the one without; "
            "write it without the trailing dot"
        )
        raise InvalidHost(msg)
    if not name or "" in labels:
        msg = f"host {text!r} has an empty label"
        raise InvalidHost(msg)
    if _ends_in_number(labels[-1]):
        return _parse_ipv4(labels, text)
    if len(name) > 253 or any(len(label) > 63 for label in labels):
        msg = f"host {text!r} is too long for a DNS name (253 characters, 63 per label)"
        raise InvalidHost(msg)
    if any(label.startswith("xn--") for label in labels):
        _check_punycode(labels, text)
    return name


_V4_COMPATIBLE: Final = ipaddress.IPv6Network("::/96")


def _check_punycode(labels: list[str], text: str) -> None:
    import idna

    for label in labels:
        if not label.startswith("xn--"):
            continue
        try:
            unicode = idna.ulabel(label)
            again = idna.alabel(unicode).decode("ascii")
        except (idna.IDNAError, UnicodeError, ValueError):
            again = None
        if again != label:
            msg = f"host {text!r} has a label {label!r} that is not valid punycode (IDNA)"
            raise InvalidHost(msg)


def _to_ascii(text: str) -> str:
    if text.isascii():
        name = text.lower()
    else:
        import idna  # ~10 ms to import, and only non-ASCII host names need it

        try:
            mapped = idna.uts46_remap(text, std3_rules=False, transitional=False)
            name = ".".join(
                label if label.isascii() else idna.alabel(label).decode("ascii")
                for label in mapped.split(".")
            )
        except (idna.IDNAError, UnicodeError, ValueError):
            msg = f"host {text!r} is not a valid internationalized domain name"
            raise InvalidHost(msg) from None
    if not _ASCII_NAME.fullmatch(name):
        msg = (
            f"host {text!r} has characters a host name cannot have "
            "(letters, digits, '-', '_' and '.' only)"
        )
        raise InvalidHost(msg)
    return name


def _ends_in_number(label: str) -> bool:
    # WHATWG URL "ends in a number": all digits, or a 0x/0X hex number.
    return label.isdigit() or _ipv4_number(label) is not None


def _ipv4_number(part: str) -> int | None:
    if not part:
        return None
    if part[:2] in ("0x", "0X"):
        digits, radix = part[2:], 16
        if not digits:
            return 0
    elif len(part) > 1 and part[0] == "0":
        digits, radix = part[1:], 8
    else:
        digits, radix = part, 10
    allowed = "0123456789abcdefABCDEF"[: 22 if radix == 16 else radix]
    if not digits or any(char not in allowed for char in digits):
        return None
    return int(digits, radix)


def _parse_ipv4(labels: list[str], text: str) -> ipaddress.IPv4Address:
    numbers = [_ipv4_number(label) for label in labels]
    bad = f"host {text!r} looks like an IPv4 address but is not a valid one"
    if len(numbers) > 4 or any(number is None for number in numbers):
        raise InvalidHost(bad)
    values = [number for number in numbers if number is not None]
    if any(value > 255 for value in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        raise InvalidHost(bad)
    result = values[-1]
    for index, value in enumerate(values[:-1]):
        result += value * 256 ** (3 - index)
    return ipaddress.IPv4Address(result)


def format_host(host: Host) -> str:
    """A canonical host as written in a URL or a Host header: `[v6]` in brackets."""
    if isinstance(host, ipaddress.IPv6Address):
        mapped = host.ipv4_mapped
        return f"[::ffff:{mapped}]" if mapped is not None else f"[{host}]"
    return str(host)


@dataclass(frozen=True)
class URL:
    """An absolute http(s) URL in canonical form. The fragment is dropped."""

    scheme: Literal["http", "https"]
    host: Host
    port: int
    """The effective port: the URL's, or the scheme's default."""
    path: str
    """Percent-encoded, starting with '/'."""
    query: str | None
    """Percent-encoded, without '?'; None when the URL has no '?'."""

    @property
    def default_port(self) -> bool:
        """Whether the port is the scheme's default."""
        return self.port == DEFAULT_PORTS[self.scheme]

    @property
    def authority(self) -> str:
        """`host[:port]`, the port only when not the default: the Host header's value."""
        host = format_host(self.host)
        return host if self.default_port else f"{host}:{self.port}"

    @property
    def target(self) -> str:
        """The request target: path and query."""
        return self.path if self.query is None else f"{self.path}?{self.query}"

    def origin(self) -> tuple[str, Host, int]:
        """(scheme, host, port)."""
        return (self.scheme, self.host, self.port)

    def __str__(self) -> str:
        return f"{self.scheme}://{self.authority}{self.target}"

    def with_query(self, query: str | None) -> URL:
        """The same URL with another query."""
        return URL(self.scheme, self.host, self.port, self.path, query)


def parse_url(text: str) -> URL:
    """Parse an absolute http or https URL strictly.

    Refused: other schemes, user info (`user:pass@`), a missing or bad host, a bad port,
    control characters or spaces around it, and backslashes in the authority. Characters a
    URL may not hold in the path or query (spaces, non-ASCII, ...) are percent-encoded as
    UTF-8, as a browser does. Error messages name the host at most, never the whole URL (it
    may carry a password or token).

    Raises:
        InvalidURL: the message says what is wrong.

    """
    if not isinstance(text, str):
        msg = "the URL must be a string"
        raise InvalidURL(msg)
    if len(text) > MAX_URL_CHARS:
        msg = f"the URL is longer than {MAX_URL_CHARS} characters"
        raise InvalidURL(msg)
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in text):
        msg = "the URL contains a control character (such as CR, LF, tab or NUL)"
        raise InvalidURL(msg)
    if text != text.strip(" "):
        msg = "the URL starts or ends with a space"
        raise InvalidURL(msg)
    scheme, sep, rest = text.partition(":")
    scheme = scheme.lower()
    if not sep or not re.fullmatch(r"[a-z][a-z0-9+.\-]*", scheme):
        msg = "the URL must be absolute, such as 'https://api.example.com/path'"
        raise InvalidURL(msg)
    if scheme not in DEFAULT_PORTS:
        msg = f"only http and https URLs are supported, not {scheme!r}"
        raise InvalidURL(msg)
    if not rest.startswith("//"):
        msg = f"the {scheme} URL must have a host after '{scheme}://'"
        raise InvalidURL(msg)
    rest = rest[2:].split("#", 1)[0]
    end = min((i for i in (rest.find("/"), rest.find("?")) if i != -1), default=len(rest))
    authority, rest = rest[:end], rest[end:]
    if "@" in authority:
        msg = (
            "credentials in the URL (user:password@host) are not supported; "
            "send an Authorization header instead"
        )
        raise InvalidURL(msg)
    if "\\" in authority:
        msg = "the URL's host part contains a backslash"
        raise InvalidURL(msg)
    host_text, port = _split_port(authority, DEFAULT_PORTS[scheme])
    try:
        host = parse_host(host_text)
    except InvalidHost as exc:
        raise InvalidURL(str(exc)) from None
    path, has_query, query = rest.partition("?")
    return URL(
        "https" if scheme == "https" else "http",
        host,
        port,
        _encode(path) or "/",
        _encode(query) if has_query else None,
    )


def _split_port(authority: str, default: int) -> tuple[str, int]:
    if authority.startswith("["):
        close = authority.find("]")
        host, tail = (
            (authority, "") if close == -1 else (authority[: close + 1], authority[close + 1 :])
        )
        if tail and not tail.startswith(":"):
            msg = f"host {authority!r} has text after the IPv6 address"
            raise InvalidURL(msg)
        port_text = tail[1:]
    else:
        host, _, port_text = authority.partition(":")
    if not port_text:
        return host, default
    if not (port_text.isascii() and port_text.isdigit()) or not 0 < int(port_text) < 65536:
        msg = f"port {port_text!r} is not a number from 1 to 65535"
        raise InvalidURL(msg)
    return host, int(port_text)


def _encode(part: str) -> str:
    return urllib.parse.quote(part, safe=_URL_SAFE)


def join_url(base: URL, location: str) -> URL:
    """Resolve a redirect's Location against `base`, then parse it strictly.

    Raises:
        InvalidURL: the result is not an acceptable URL.

    """
    if not isinstance(location, str) or any(
        ord(char) < 0x20 or ord(char) == 0x7F for char in location
    ):
        msg = "the Location contains a control character"
        raise InvalidURL(msg)
    return parse_url(urllib.parse.urljoin(str(base), location.strip(" ")))


# -- allow entries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HostPattern:
    """One `http.allow[].host`, parsed."""

    text: str
    """As given, for messages."""
    kind: Literal["name", "wildcard", "ip"]
    host: Host
    """The name, the wildcard's suffix (without `*.`), or the address."""
    port: int | None
    """The only port matched, or None for any port."""
    any_port: bool = False
    """Whether the entry says `:*`: every port, credentials included."""

    def matches(self, host: Host, port: int) -> bool:
        """Whether a canonical host and port are allowed by this pattern."""
        if self.port is not None and port != self.port:
            return False
        if self.kind == "wildcard":
            return isinstance(host, str) and host.endswith("." + str(self.host))
        if isinstance(self.host, str) != isinstance(host, str):
            return False
        return host == self.host

    @property
    def specificity(self) -> tuple[int, int, int]:
        """A sort key: exact over wildcard, longer suffix over shorter, a port over none."""
        labels = str(self.host).count(".") + 1
        return (0 if self.kind == "wildcard" else 1, labels, 0 if self.port is None else 1)


def parse_pattern(text: str) -> HostPattern:
    """Parse an allow entry's host: `name`, `*.suffix`, an IP literal, each with `:port` or `:*`.

    Bare IPv6 (`::1`) is accepted without a port; with one it must be in brackets.

    Raises:
        InvalidHost: the message says what is wrong.

    """
    if not isinstance(text, str) or not text:
        msg = "an http.allow host must be a non-empty string"
        raise InvalidHost(msg)
    if text != text.strip() or "/" in text or "@" in text:
        msg = (
            f"http.allow host {text!r} must be a host name such as 'api.example.com', "
            "'*.example.com' or 'example.com:8443', not a URL"
        )
        raise InvalidHost(msg)
    port: int | None = None
    any_port = text.endswith(":*")
    host_text = text[:-2] if any_port else text
    if host_text.count(":") > 1 and not host_text.startswith("["):
        if any_port:
            msg = f"http.allow host {text!r}: write an IPv6 address with a port in brackets"
            raise InvalidHost(msg)
        host_text = f"[{host_text}]"  # bare IPv6
    elif host_text.count(":") >= 1:
        if any_port:
            msg = f"http.allow host {text!r} has two ports"
            raise InvalidHost(msg)
        try:
            host_text, port = _split_port(host_text, 0)
        except InvalidURL as exc:
            msg = f"http.allow host {text!r}: {exc}"
            raise InvalidHost(msg) from None
        if port == 0:
            port = None  # "host:" with an empty port
    if host_text.startswith("*."):
        suffix = parse_host(host_text[2:])
        if not isinstance(suffix, str):
            msg = f"http.allow host {text!r}: a wildcard must end in a name, not an address"
            raise InvalidHost(msg)
        return HostPattern(text, "wildcard", suffix, port, any_port)
    if "*" in host_text:
        msg = (
            f"http.allow host {text!r}: '*' may only be a whole first label, as in "
            "'*.example.com', or the port, as in 'example.com:*'"
        )
        raise InvalidHost(msg)
    host = parse_host(host_text)
    return HostPattern(text, "name" if isinstance(host, str) else "ip", host, port, any_port)


def host_matches(pattern: str, url_host: str, port: int) -> bool:
    """Whether allow entry `pattern` admits `url_host` (as written in a URL) on `port`.

    Raises:
        InvalidHost: either side cannot be parsed.

    """
    return parse_pattern(pattern).matches(parse_host(url_host), port)


# -- credentials -----------------------------------------------------------------------------

HOP_BY_HOP: Final = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
"""Headers that belong to one connection, never forwarded (RFC 9110 section 7.6.1)."""
GATEWAY_HEADERS: Final = frozenset({"host", "content-length", "expect"})
"""Headers the gateway sets itself; a guest's are dropped."""


@dataclass(frozen=True, repr=False)
class Credentials:
    """What the gateway adds to requests for one allow entry. `repr` shows no value."""

    headers: tuple[tuple[str, str], ...] = ()
    """(name, value) pairs; each replaces the guest's header of that name."""
    query: tuple[str, str] | None = None
    """(key, value): replaces every `key` parameter of the URL's query."""
    values: tuple[str, ...] = field(default=())
    """Every secret form of these credentials (raw, base64, percent-encoded), for redaction."""

    def __repr__(self) -> str:
        names = [name for name, _ in self.headers]
        return (
            f"Credentials(headers={names!r}, query_key={self.query[0] if self.query else None!r})"
        )

    def apply_query(self, url: URL) -> URL:
        """`url` with the query credential in place of any `key` parameter already there."""
        if self.query is None:
            return url
        key, value = self.query
        kept = remove_query_key(url.query, key)
        pair = f"{urllib.parse.quote(key, safe='')}={urllib.parse.quote(value, safe='')}"
        return url.with_query(f"{kept}&{pair}" if kept else pair)


def remove_query_key(query: str | None, key: str) -> str | None:
    """`query` without any `key=...` parameter (keys compared after form-decoding)."""
    if not query:
        return query
    kept = [
        part
        for part in query.split("&")
        if urllib.parse.unquote_plus(part.partition("=")[0]) != key
    ]
    return "&".join(kept)


@dataclass(frozen=True)
class AllowRule:
    """An allow entry: its pattern, its credentials and its index in `http.allow`."""

    pattern: HostPattern
    credentials: Credentials | None
    index: int

    def admits(self, host: Host, port: int, scheme: str | None = None) -> bool:
        """Whether this entry admits `host` on `port` for a `scheme` URL.

        An entry with credentials that names no port (neither `:port` nor `:*`) admits only
        the scheme's default port (80 or 443; either when `scheme` is None): its credential
        goes to no port the entry did not name.
        """
        if not self.pattern.matches(host, port):
            return False
        if self.credentials is None or self.pattern.port is not None or self.pattern.any_port:
            return True
        if scheme is None:
            return port in DEFAULT_PORTS.values()
        return port == DEFAULT_PORTS.get(scheme)


@dataclass(frozen=True)
class EgressPolicy:
    """The resolved `http` policy of one execution. No rules: no network."""

    rules: tuple[AllowRule, ...] = ()

    def match(self, host: Host, port: int, scheme: str | None = None) -> AllowRule | None:
        """The most specific rule that admits `host` on `port` (see `AllowRule.admits`)."""
        best: AllowRule | None = None
        for rule in self.rules:
            if rule.admits(host, port, scheme) and (
                best is None or rule.pattern.specificity > best.pattern.specificity
            ):
                best = rule
        return best

    def describe(self, limit: int = 10) -> str:
        """The allowed hosts for a message: `a.example, *.b.example` (at most `limit`)."""
        texts = list(dict.fromkeys(rule.pattern.text for rule in self.rules))
        more = len(texts) - limit
        return ", ".join(texts[:limit]) + (f" and {more} more" if more > 0 else "")

    @property
    def secret_values(self) -> tuple[str, ...]:
        """Every credential value of every rule, in every form injected, for redaction."""
        values: dict[str, None] = {}
        for rule in self.rules:
            if rule.credentials is not None:
                values.update(dict.fromkeys(rule.credentials.values))
        return tuple(values)

    @classmethod
    def resolve(
        cls,
        http: HTTP | None,
        secrets: SecretStore | None,
        *,
        wildcard_credentials: bool = False,
    ) -> EgressPolicy:
        """Validate `http` and reveal the secrets it names, before any guest starts.

        Args:
            http: The request's policy.
            secrets: Where `secret_id`s are looked up.
            wildcard_credentials: Whether an `auth` may sit on a `*.suffix` entry (the
                Sandbox owner's `EgressOptions.allow_wildcard_credentials`). Default False:
                such an entry is refused, since its credential would go to every subdomain.

        Raises:
            RequestValidationError: a host cannot be parsed, an auth is incomplete,
                ambiguous or holds a value a request cannot carry, or sits on a wildcard entry
                without the owner's opt-in. `errors` has one entry per problem; no value
                appears in any message.
            NotFoundError: an auth names a `secret_id` that does not exist.

        """
        if http is None:
            return cls()
        errors: list[dict[str, Any]] = []
        rules: list[AllowRule] = []
        for index, entry in enumerate(http.allow):
            loc: tuple[str | int, ...] = ("http", "allow", index)
            try:
                pattern = parse_pattern(entry.host)
            except InvalidHost as exc:
                errors.append({"loc": (*loc, "host"), "msg": str(exc), "type": "value_error"})
                continue
            credentials = None
            if entry.auth is not None and pattern.kind == "wildcard" and not wildcard_credentials:
                errors.append(
                    {
                        "loc": (*loc, "auth"),
                        "msg": (
                            f"auth on the wildcard entry {pattern.text!r} would send its "
                            "credential to every subdomain; name the hosts one by one (or the "
                            "Sandbox's owner sets EgressOptions(allow_wildcard_credentials=True))"
                        ),
                        "type": "value_error",
                    }
                )
                continue
            if entry.auth is not None:
                credentials = _credentials(entry.auth, (*loc, "auth"), secrets, errors)
            rules.append(AllowRule(pattern, credentials, index))
        if errors:
            msg = "invalid http policy: " + "; ".join(
                f"{'.'.join(map(str, error['loc']))}: {error['msg']}" for error in errors
            )
            raise RequestValidationError(msg, errors)
        return cls(tuple(rules))


def _credentials(
    auth: Auth,
    loc: tuple[str | int, ...],
    secrets: SecretStore | None,
    errors: list[dict[str, Any]],
) -> Credentials | None:
    headers: list[tuple[str, str]] = []
    values: list[str] = []
    query: tuple[str, str] | None = None
    before = len(errors)

    def problem(where: str, msg: str) -> None:
        errors.append({"loc": (*loc, where), "msg": msg, "type": "value_error"})

    def value_of(where: str, literal: str | None, secret_id: str | None, what: str) -> str | None:
        if literal is not None and secret_id is not None:
            problem(where, f"give either {what} or secret_id, not both")
            return None
        if secret_id is None:
            return literal
        if secrets is None:
            msg = (
                f"secret {secret_id!r} named by {'.'.join(map(str, (*loc, where)))}.secret_id "
                "does not exist (this sandbox has no secret store)"
            )
            raise NotFoundError(msg)
        try:
            return secrets.reveal(secret_id)
        except NotFoundError:
            msg = (
                f"secret {secret_id!r} named by {'.'.join(map(str, (*loc, where)))}.secret_id "
                "does not exist; create it first or fix the id"
            )
            raise NotFoundError(msg) from None

    def header_value(where: str, value: str, what: str) -> bool:
        if any(char in value for char in "\r\n\x00"):
            problem(
                where, f"{what} contains a CR, LF or NUL character, which a header cannot carry"
            )
            return False
        if any(ord(char) < 0x20 and char != "\t" or ord(char) == 0x7F for char in value):
            problem(where, f"{what} contains a control character, which a header cannot carry")
            return False
        if any(ord(char) > 0xFF for char in value):
            problem(where, f"{what} has a character above U+00FF, which a header cannot carry")
            return False
        return True

    if auth.basic is not None:
        basic = auth.basic
        password = value_of("basic", basic.password, basic.secret_id, "password")
        user = basic.user_id or ""
        if ":" in user:
            problem("basic", "user_id must not contain ':' (RFC 7617)")
        elif not user and not password:
            problem("basic", "give a user_id, a password or a secret_id")
        else:
            token = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
            headers.append(("Authorization", f"Basic {token}"))
            values += [token] + ([password] if password else [])
    if auth.bearer is not None:
        token_value = value_of("bearer", auth.bearer.token, auth.bearer.secret_id, "token")
        if not token_value:
            problem("bearer", "give a token or a secret_id")
        elif header_value("bearer", token_value, "the bearer token"):
            if any(name.lower() == "authorization" for name, _ in headers):
                problem("bearer", "basic and bearer both set the Authorization header; give one")
            headers.append(("Authorization", f"Bearer {token_value}"))
            values.append(token_value)
    if auth.header is not None:
        name = auth.header.name
        value = value_of("header", auth.header.value, auth.header.secret_id, "value")
        if not name or not HEADER_TOKEN.fullmatch(name):
            problem("header", "name must be a valid header name, such as 'X-Api-Key'")
        elif name.lower() in HOP_BY_HOP | GATEWAY_HEADERS:
            problem("header", f"the gateway does not let auth set the {name!r} header")
        elif any(existing.lower() == name.lower() for existing, _ in headers):
            problem("header", f"header {name!r} is already set by basic or bearer auth")
        elif value is None:
            problem("header", "give a value or a secret_id")
        elif header_value("header", value, f"the value of header {name!r}"):
            headers.append((name, value))
            values.append(value)
    if auth.query is not None:
        key = auth.query.key
        value = value_of("query", auth.query.value, auth.query.secret_id, "value")
        if not key:
            problem("query", "key must be a non-empty string")
        elif value is None:
            problem("query", "give a value or a secret_id")
        else:
            query = (key, value)
            values += [value, urllib.parse.quote(value, safe=""), urllib.parse.quote_plus(value)]
    if len(errors) > before:
        return None
    if not headers and query is None:
        return None
    return Credentials(tuple(headers), query, tuple(dict.fromkeys(v for v in values if v)))
