"""The public surface: sorted, complete `__all__`; every error carries its three codes."""

from __future__ import annotations

import inspect

import embedsandbox
from embedsandbox import errors, models


def test_all_is_sorted_and_complete() -> None:
    for module in (embedsandbox, errors, models):
        assert sorted(module.__all__) == module.__all__
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name}"


def test_every_error_has_code_status_and_exit_code() -> None:
    codes = set()
    for name in errors.__all__:
        cls = getattr(errors, name)
        assert issubclass(cls, errors.EmbedSandboxError)
        assert isinstance(cls.code, str) and cls.code
        assert 100 <= cls.status_code < 600
        assert isinstance(cls.exit_code, int)
        assert cls.__doc__
        codes.add(cls.code)
    assert len(errors.__all__) == len(codes)


def test_public_callables_are_documented() -> None:
    for name, member in inspect.getmembers(embedsandbox.Sandbox, inspect.isfunction):
        if not name.startswith("_"):
            assert member.__doc__, name


def test_package_is_typed() -> None:
    from importlib import resources

    assert resources.files("embedsandbox").joinpath("py.typed").is_file()
