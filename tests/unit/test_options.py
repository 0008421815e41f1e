"""`PoolOptions` and the deprecated loose spellings of Sandbox's pool and egress settings."""

from __future__ import annotations

import pytest

from embedsandbox import EgressOptions, PoolOptions, Sandbox
from embedsandbox.errors import ConfigurationError
from embedsandbox.testing import FakeEngine


def _sandbox(**options: object) -> Sandbox:
    return Sandbox(store=None, engines={"python": FakeEngine()}, **options)  # type: ignore[arg-type]


def test_pool_options_apply_their_defaults() -> None:
    assert (1, 4, 0) == (PoolOptions().min_cached, PoolOptions().max_cached_instances, 0)
    assert 0 == PoolOptions(max_cached_instances=0).min_cached
    assert 2 == PoolOptions(min_cached_instances=2, max_cached_instances=3).min_cached


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"min_cached_instances": 5, "max_cached_instances": 2}, "0 <= min <= max"),
        ({"max_cached_instances": -1}, "0 <= min <= max"),
        ({"max_cached_instances": True}, "integers"),
        ({"min_cached_instances": "1"}, "integers"),
        ({"processes": 65}, "from 0 to 64"),
        ({"processes": -1}, "from 0 to 64"),
        ({"processes": 1.5}, "an integer"),
    ],
)
def test_bad_pool_options_say_what_is_allowed(options: dict[str, object], words: str) -> None:
    with pytest.raises(ConfigurationError, match=words):
        PoolOptions(**options)  # type: ignore[arg-type]


def test_a_sandbox_takes_its_pool_from_pool_options() -> None:
    with _sandbox(pool=PoolOptions(min_cached_instances=0, max_cached_instances=2)) as sb:
        assert (0, 2) == (sb._pool_size.min_cached, sb._pool_size.max_cached)
        assert 0 == sb._processes


@pytest.mark.parametrize("name", ["min_cached_instances", "max_cached_instances", "processes"])
def test_the_loose_pool_keywords_still_work_and_warn(name: str) -> None:
    with pytest.warns(DeprecationWarning, match=rf"pool=PoolOptions\({name}=\.\.\.\)") as seen:
        sb = _sandbox(**{name: 0})
    assert seen[0].filename == __file__  # the warning points at the caller's line
    with sb:
        assert 0 == getattr(sb._pool_size, name.replace("_instances", ""), sb._processes)


def test_pool_options_and_loose_keywords_together_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="not both"):
        _sandbox(pool=PoolOptions(), processes=1)


def test_allow_private_networks_on_the_sandbox_warns_and_adds_to_egress() -> None:
    egress = EgressOptions(allow_private_networks=["10.0.0.0/8"])
    with pytest.warns(DeprecationWarning, match="egress=EgressOptions"):
        sb = _sandbox(egress=egress, allow_private_networks=["127.0.0.1/32"])
    with sb:
        opened = {str(n) for n in sb.egress.allow_private_networks}  # type: ignore[union-attr]
        assert {"10.0.0.0/8", "127.0.0.1/32"} == opened
