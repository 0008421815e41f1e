"""`output_files` through the real server: the request field and the response's files."""

from __future__ import annotations

import base64

import httpx

from .conftest import Server


def test_files_come_back_over_http_and_a_bad_pattern_is_a_400(server: Server) -> None:
    headers = {"Authorization": f"Bearer {server.key()}"}
    code = "open('a.txt', 'w').write('hi')\nopen('b.bin', 'wb').write(bytes([0, 200]))"
    response = httpx.post(
        f"{server.url}/v1/execute",
        json={"language": "python", "code": code, "output_files": ["*"]},
        headers=headers,
        timeout=120,
    )
    assert 200 == response.status_code, response.text
    body = response.json()
    assert [["a.txt", "utf-8", "hi"], ["b.bin", "base64", "AMg="]] == [
        [f["path"], f["encoding"], f["contents"]] for f in body["files"]
    ]
    assert bytes([0, 200]) == base64.b64decode(body["files"][1]["contents"])
    assert ([], 0) == (body["files_left_out"], body["files_left_out_count"])
    bad = httpx.post(
        f"{server.url}/v1/execute",
        json={"language": "python", "code": "", "output_files": ["../etc/*"]},
        headers=headers,
        timeout=60,
    )
    assert 400 == bad.status_code
    assert "output_files" in bad.json()["message"]
