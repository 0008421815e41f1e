"""Outbound HTTP for guests: allowlist, credentials, SSRF guards, redirects and caps.

The Sandbox builds one `Gateway` per execution (after `resolve_policy` has checked the
request's `http` field) and routes each guest HTTP message to `Gateway.handle`. Internal:
nothing here is part of the public API yet.
"""

from ._gateway import PROTOCOL_VERSION as PROTOCOL_VERSION
from ._gateway import EgressOptions as EgressOptions
from ._gateway import Gateway as Gateway
from ._gateway import resolve_policy as resolve_policy
from ._policy import EgressPolicy as EgressPolicy

__all__ = ["PROTOCOL_VERSION", "EgressOptions", "EgressPolicy", "Gateway", "resolve_policy"]
