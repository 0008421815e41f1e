"""The public surface: sorted, complete `__all__`; every error carries its three codes."""

from __future__ import annotations

import inspect

import embedsandbox
from embedsandbox import errors, models, testing


def test_all_is_sorted_and_complete() -> None:
    for module in (embedsandbox, errors, models, testing):
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


def test_testing_helpers_are_documented() -> None:
    for name in testing.__all__:
        member = getattr(testing, name)
        assert member.__doc__, name
        if inspect.isclass(member) and member.__module__ == testing.__name__:
            for attr, method in inspect.getmembers(member, inspect.isfunction):
                if not attr.startswith("_"):
                    assert method.__doc__, f"{name}.{attr}"


def test_package_is_typed() -> None:
    from importlib import resources

    assert resources.files("embedsandbox").joinpath("py.typed").is_file()
