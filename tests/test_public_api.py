"""The public surface: sorted, complete `__all__`; every error carries its three codes."""

from __future__ import annotations

import inspect
import typing

import embedsandbox
from embedsandbox import errors, models, ray, testing


def test_all_is_sorted_and_complete() -> None:
    for module in (embedsandbox, errors, models, testing, ray):
        assert sorted(module.__all__) == module.__all__
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name}"


def test_every_public_class_and_function_is_in_all() -> None:
    # Walk the module, not `__all__` (trio's test_exports): a public name left out of
    # `__all__` is found here.
    for module in (embedsandbox, errors, models, testing, ray):
        for name, member in vars(module).items():
            # `RootModel[...]`: pydantic's parametrized base of a model, no importable name.
            if name.startswith("_") or "[" in name or inspect.ismodule(member):
                continue
            if not (inspect.isclass(member) or inspect.isfunction(member)):
                continue
            # The package re-exports from its private modules; a module's own names count.
            home = getattr(member, "__module__", "")
            if home == module.__name__ or (module is embedsandbox and home.startswith("embed")):
                assert name in module.__all__, f"{module.__name__}.{name} is not in __all__"


def _classes(annotation: object) -> typing.Iterator[type]:
    if isinstance(annotation, type):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from _classes(argument)


def test_every_type_a_sandbox_hands_out_is_exported() -> None:
    public = {
        getattr(module, name)
        for module in (embedsandbox, errors, models)
        for name in module.__all__
    }
    for name, member in inspect.getmembers(embedsandbox.Sandbox):
        if name.startswith("_"):
            continue
        function = member.fget if isinstance(member, property) else member
        if not inspect.isfunction(function):
            continue
        returned = typing.get_type_hints(function).get("return")
        for cls in _classes(returned):
            if cls.__module__.startswith("embedsandbox"):
                assert cls in public, f"Sandbox.{name} returns {cls.__name__}, not exported"


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


def test_every_error_crosses_a_process_whole() -> None:
    import pickle

    for name in errors.__all__:
        cls = getattr(errors, name)
        copy = pickle.loads(pickle.dumps(cls("what went wrong")))  # noqa: S301 - our own
        assert (cls, "what went wrong") == (type(copy), str(copy))
    problems = [{"loc": ("limits", "fuel"), "msg": "too big", "type": "less_than_equal"}]
    invalid = errors.RequestValidationError("bad request", problems)
    assert problems == pickle.loads(pickle.dumps(invalid)).errors  # noqa: S301
