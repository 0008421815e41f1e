"""Outbound HTTP for guests: allowlist, credentials, SSRF guards, redirects and caps.

The Sandbox builds one `Gateway` per execution (after `resolve_policy` has checked the
request's `http` field) and routes each guest HTTP message to `Gateway.handle`, which sends
each checked hop through an `Upstream` (`_upstream.py`). Internal: `EgressOptions` is public
through `embedsandbox`, the upstream types through `embedsandbox.testing`.
"""

from ._gateway import PROTOCOL_VERSION as PROTOCOL_VERSION
from ._gateway import EgressOptions as EgressOptions
from ._gateway import Gateway as Gateway
from ._gateway import resolve_policy as resolve_policy
from ._policy import EgressPolicy as EgressPolicy
from ._upstream import Upstream as Upstream
from ._upstream import UpstreamError as UpstreamError
from ._upstream import UpstreamRequest as UpstreamRequest
from ._upstream import UpstreamResponse as UpstreamResponse
from ._upstream import Urllib3Upstream as Urllib3Upstream

__all__ = [
    "PROTOCOL_VERSION",
    "EgressOptions",
    "EgressPolicy",
    "Gateway",
    "Upstream",
    "UpstreamError",
    "UpstreamRequest",
    "UpstreamResponse",
    "Urllib3Upstream",
    "resolve_policy",
]
