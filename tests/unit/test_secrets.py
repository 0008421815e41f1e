"""SecretStore and redact(): values stay on the host side and never survive redaction."""

from __future__ import annotations

import re
import threading

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from embedsandbox._secrets import Secret, SecretStore, redact, redact_bytes
from embedsandbox.errors import NotFoundError, RequestValidationError

VALUE = "s3cr3t-value-0123456789"


def test_create_list_get_reveal() -> None:
    store = SecretStore()
    first = store.create("api key", VALUE)
    second = store.create("other", "x")
    assert re.fullmatch(r"sec_[0-9a-f]{24}", first.id)
    assert first.id != second.id
    assert Secret(id=first.id, name="api key") == store.get(first.id)
    assert [first, second] == store.list().secrets
    assert VALUE == store.reveal(first.id)


def test_unknown_id() -> None:
    store = SecretStore()
    with pytest.raises(NotFoundError, match="secret 'sec_missing' does not exist"):
        store.get("sec_missing")
    with pytest.raises(NotFoundError):
        store.reveal("sec_missing")
    with pytest.raises(NotFoundError, match="secret 'sec_missing' does not exist"):
        store.delete("sec_missing")


def test_delete() -> None:
    store = SecretStore()
    first = store.create("a", VALUE)
    second = store.create("b", "x")
    assert first == store.delete(first.id)
    assert [second] == store.list().secrets
    for lookup in (store.get, store.reveal, store.delete):
        with pytest.raises(NotFoundError, match=f"secret '{first.id}' does not exist"):
            lookup(first.id)
    assert "x" == store.reveal(second.id)


def test_no_value_in_repr_str_or_dump() -> None:
    """Threat: a secret value printed by a repr, a log line or a response model.
    Contained: `Secret` has no value field; the store's repr counts secrets only."""
    store = SecretStore()
    secret = store.create("n", VALUE)
    shown = repr(secret) + str(secret) + secret.model_dump_json() + repr(store) + str(store)
    shown += repr(store.list())
    assert VALUE not in shown
    assert {"id", "name"} == set(secret.model_dump())


@pytest.mark.parametrize(
    ("name", "value", "loc"),
    [
        ("", "v", "name"),
        ("n", "", "value"),
        ("n" * 300, "v", "name"),
        ("n\ud800", "v", "name"),
        ("n\nx", "v", "name"),
        ("n\x00", "v", "name"),
        ("n", "v\udfff", "value"),
    ],
)
def test_invalid_secrets(name: str, value: str, loc: str) -> None:
    with pytest.raises(RequestValidationError) as info:
        SecretStore().create(name, value)
    assert (loc,) == info.value.errors[0]["loc"]


def test_invalid_value_not_echoed() -> None:
    with pytest.raises(RequestValidationError) as info:
        SecretStore().create("n", "v" * (64 << 10) + "TAIL-MARK")
    assert "TAIL-MARK" not in str(info.value) + repr(info.value.errors)


def test_thread_safe() -> None:
    store = SecretStore()

    def work() -> None:
        for i in range(200):
            secret = store.create(f"n{i}", f"v{i}")
            assert f"v{i}" == store.reveal(secret.id)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = []
    page = store.list()
    while page.secrets:  # pages of at most 100
        every += page.secrets
        page = store.list(starting_after=page.next_starting_after)
    assert 1600 == len(every)
    assert 1600 == len({s.id for s in every})


def test_custom_backend() -> None:
    class Backend:
        def __init__(self) -> None:
            self.rows: dict[str, tuple[Secret, str]] = {}

        def add(self, secret: Secret, value: str, /) -> None:
            self.rows[secret.id] = (secret, value)

        def get(self, secret_id: str, /) -> tuple[Secret, str] | None:
            return self.rows.get(secret_id)

        def delete(self, secret_id: str, /) -> Secret | None:
            found = self.rows.pop(secret_id, None)
            return None if found is None else found[0]

        def all(self) -> list[Secret]:
            return [s for s, _ in self.rows.values()]

    backend = Backend()
    store = SecretStore(backend)
    secret = store.create("n", VALUE)
    assert (secret, VALUE) == backend.rows[secret.id]
    assert secret == store.delete(secret.id)
    assert {} == backend.rows


# -- redact ----------------------------------------------------------------------------------

small = st.text(alphabet="ab*#~\u2022x", max_size=12)


@given(
    st.text(max_size=60) | small,
    st.lists(st.text(min_size=1, max_size=8) | small.filter(bool), max_size=4),
)
@example("aa*", ["a*"])
@example("SESECRETCRET", ["SECRET"])
@example("x***y", ["*"])
@example("ab#~", ["*", "#", "~", "a"])
def test_no_secret_survives_and_redact_is_idempotent(text: str, values: list[str]) -> None:
    once = redact(text, values)
    for value in values:
        assert value not in once
    assert once == redact(once, values)


@given(st.binary(max_size=60), st.lists(st.binary(min_size=1, max_size=6), max_size=4))
@example(b"aa*", [b"a*"])
@example(bytes(range(256)), [bytes(range(256))[i : i + 64] for i in range(0, 256, 64)])
def test_redact_bytes(data: bytes, values: list[bytes]) -> None:
    once = redact_bytes(data, values)
    for value in values:
        assert value not in once
    assert once == redact_bytes(once, values)


def test_redact_examples() -> None:
    assert "token=***; again ***" == redact(f"token={VALUE}; again {VALUE}", [VALUE])
    assert "***" == redact("abcabc", ["abc", "bca"])  # overlapping and adjacent: one marker
    assert "text" == redact("text", ["", "zzz"])
    assert "a###b" == redact("a*b", ["*"])  # a marker without the secret's characters
