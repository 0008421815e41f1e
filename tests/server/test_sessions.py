"""`/v1/sessions` through the real server with httpx: calls, limits, another project's id."""

from __future__ import annotations

import httpx

from .conftest import Server


def test_a_session_over_http(server: Server) -> None:
    headers = {"Authorization": f"Bearer {server.key()}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=120) as client:
        _a_session(server, client)


def _a_session(server: Server, client: httpx.Client) -> None:
    made = client.post("/v1/sessions", json={"language": "python", "env": {"A": "1"}})
    assert 200 == made.status_code, made.text
    info = made.json()
    assert (0, False) == (info["calls"], info["closed"])
    sid = info["id"]
    first = client.post(f"/v1/sessions/{sid}/execute", json={"code": "x = 41"})
    assert (200, 0) == (first.status_code, first.json()["exit_code"]), first.text
    second = client.post(f"/v1/sessions/{sid}/execute", json={"code": "x += 1\nprint(x)"})
    assert "42\n" == second.json()["stdout"]
    called = client.post(
        f"/v1/sessions/{sid}/execute",
        json={"code": "def f(i):\n    return i * x", "function": "f", "input": 2},
    )
    assert {"output": 84, "output_status": "valid"} == {
        k: called.json()[k] for k in ("output", "output_status")
    }
    assert 3 == client.get(f"/v1/sessions/{sid}").json()["calls"]
    # The history knows each call's session.
    history = client.get("/v1/executions").json()["data"]
    assert {sid} == {e.get("session_id") for e in history[:3]}
    # Another project's key does not see it.
    other = httpx.get(
        f"{server.url}/v1/sessions/{sid}",
        headers={"Authorization": f"Bearer {server.key('elsewhere')}"},
    )
    assert (404, 5) == (other.status_code, other.json()["code"])  # google.rpc NOT_FOUND
    # A call that hits a limit closes it; the next call says why.
    ended = client.post(
        f"/v1/sessions/{sid}/execute",
        json={"code": "while True: pass", "limits": {"execution_timeout": 0.5}},
    )
    assert "execution_timeout" == ended.json()["limit_hit"]
    again = client.post(f"/v1/sessions/{sid}/execute", json={"code": "print(x)"})
    assert (409, 9) == (again.status_code, again.json()["code"])  # FAILED_PRECONDITION
    assert "is closed: a call hit a limit" in again.json()["message"]
    assert client.get(f"/v1/sessions/{sid}").json()["closed_reason"] == "limit"


def test_delete_closes_and_bad_requests_are_400(server: Server) -> None:
    headers = {"Authorization": f"Bearer {server.key()}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=120) as client:
        _delete_and_bad(client)


def _delete_and_bad(client: httpx.Client) -> None:
    sid = client.post("/v1/sessions", json={"language": "ruby"}).json()["id"]
    closed = client.delete(f"/v1/sessions/{sid}")
    assert (200, True, "closed") == (
        closed.status_code,
        closed.json()["closed"],
        closed.json()["closed_reason"],
    )
    assert 409 == client.post(f"/v1/sessions/{sid}/execute", json={"code": "1"}).status_code
    assert 404 == client.get("/v1/sessions/ses_nope").status_code
    bad = client.post("/v1/sessions", json={"language": "cobol"})
    assert 400 == bad.status_code and "language" in bad.json()["message"]
    php = client.post("/v1/sessions", json={"language": "php"})
    assert 400 == php.status_code  # not a session language


def test_hostile_session_requests_are_400(server: Server) -> None:
    headers = {"Authorization": f"Bearer {server.key()}"}
    bodies = [
        {"language": "python", "files": [{"path": "a", "contents": "1"}] * 2},  # a path twice
        {"language": "python", "env": {"A\x01": "1"}},
        {"language": "python", "args": "not a list"},
        {"language": "python", "limits": {"memory_size": 512}},
    ]
    with httpx.Client(base_url=server.url, headers=headers, timeout=120) as client:
        for body in bodies:
            response = client.post("/v1/sessions", json=body)
            assert 400 == response.status_code, (body.keys(), response.text[:200])
        sid = client.post("/v1/sessions", json={"language": "python"}).json()["id"]
        for call in (
            '{"code": "\\ud800"}',
            '{"code": 5}',
            '{"function": "a b"}',
            '{"input": ' + "[" * 200 + "]" * 200 + "}",
        ):
            response = client.post(
                f"/v1/sessions/{sid}/execute",
                content=call.encode(),
                headers={"Content-Type": "application/json"},
            )
            assert 400 == response.status_code, (call[:30], response.text[:200])
