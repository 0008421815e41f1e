"""Outbound HTTP from a guest in a worker process: performed by the parent's gateway."""

from __future__ import annotations

import secrets

from embedsandbox import EgressOptions, PoolOptions, Sandbox

from .conftest import Server


def test_a_workers_guest_reaches_an_allowed_host_with_the_parents_credentials(
    server: Server,
) -> None:
    with Sandbox(
        store=None, egress=EgressOptions(allow_private_networks=True), pool=PoolOptions(processes=1)
    ) as sb:
        token = "tok-" + secrets.token_hex(16)
        secret = sb.secrets.create(name="api-token", value=token)
        code = (
            "import sys, urllib.request\n"
            "r = urllib.request.urlopen(sys.argv[1])\n"
            "print(r.status, token_seen := 'tok-' in r.read().decode())\n"
        )
        result = sb.run_script(
            language="python",
            code=code,
            args=[server.url("/echo")],
            http={"allow": [{"host": "127.0.0.1:*", "auth": {"bearer": {"secret_id": secret.id}}}]},
        )
        assert result.exit_code == 0, result.stderr
        assert result.stdout == "200 False\n"  # echoed back, and redacted before the guest
        assert server.last.header("Authorization") == [f"Bearer {token}"]
        denied = sb.run_script(
            language="python",
            code="import urllib.request\nurllib.request.urlopen('http://127.0.0.1:9/')",
        )
        assert (
            denied.exit_code == 1
            and "no network access" in denied.stderr.lower()
            or ("not allowed" in denied.stderr)
        )


def test_credentials_never_cross_to_the_worker(server: Server) -> None:
    from embedsandbox._engines import _processes

    sent: list[bytes] = []

    class Spy(_processes._Worker):
        def __init__(self, *args: object) -> None:
            super().__init__(*args)  # type: ignore[arg-type]
            real = self.conn.send

            def send(message: object) -> None:
                import pickle

                sent.append(pickle.dumps(message))
                real(message)

            self.conn.send = send  # type: ignore[method-assign]

    original = _processes._Worker
    _processes._Worker = Spy  # type: ignore[misc]
    try:
        with Sandbox(
            store=None,
            egress=EgressOptions(allow_private_networks=True),
            pool=PoolOptions(processes=1),
        ) as sb:
            token = "tok-" + secrets.token_hex(16)
            secret = sb.secrets.create(name="api-token", value=token)
            result = sb.run_script(
                language="python",
                code="import sys, urllib.request\nurllib.request.urlopen(sys.argv[1]).read()",
                args=[server.url("/echo")],
                http={
                    "allow": [{"host": "127.0.0.1:*", "auth": {"bearer": {"secret_id": secret.id}}}]
                },
            )
            assert result.exit_code == 0, result.stderr
            assert server.last.header("Authorization") == [f"Bearer {token}"]
    finally:
        _processes._Worker = original  # type: ignore[misc]
    assert sent and not any(token.encode() in message for message in sent)
