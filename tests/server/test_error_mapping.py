"""Every error of ours is answered from its own class: its status code, never a guess."""

from __future__ import annotations

import json

import pytest

from embedsandbox import errors
from embedsandbox.server import _app

ERRORS = [getattr(errors, name) for name in errors.__all__]


@pytest.mark.parametrize("cls", ERRORS, ids=lambda cls: cls.__name__)
def test_each_error_class_gets_its_own_status(cls: type[errors.EmbedSandboxError]) -> None:
    secret_path = "/home/someone/.cache/store.sqlite"
    exc = cls(f"failed at {secret_path}")
    response = _app._sandbox_error(exc)
    body = json.loads(bytes(response.body))
    assert set(body) >= {"code", "message"}
    if cls.status_code < 500 or cls.status_code in (501, 503):
        assert cls.status_code == response.status_code
        assert secret_path in body["message"]  # a client's own error says what was wrong
    else:  # the host's side: kind and an id only
        assert 500 == response.status_code
        assert secret_path not in body["message"]
        assert cls.code in body["message"] or cls.code == "internal_error"
        assert body["id"].startswith("err_")


def test_a_store_failure_is_named_as_such() -> None:
    response = _app._sandbox_error(errors.StoreError("disk I/O error"))
    body = json.loads(bytes(response.body))
    assert (500, _app._INTERNAL) == (response.status_code, body["code"])
    assert body["message"].startswith("internal error (store_unavailable) err_")
