"""One real local Ray cluster for these tests (`ray.init(num_cpus=2)`, ~5-17 s; shut down after
the last of them, not at the end of the whole suite),
and one `SandboxPool` of two actors on it that most tests share.

Every test module here is marked `ray` (`pytestmark`). The actors inherit this process's
environment (Ray's local raylet is started from it), so they use the suite's interpreter
cache and compile nothing.
The pool's actors reserve half a CPU each, so a test can start a small pool of its own
beside it on the two-CPU cluster.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from embedsandbox import Sandbox
from embedsandbox._engines._core._signals import replaced_trap_handler
from embedsandbox.ray import SandboxPool, init_ray, shutdown_ray


@pytest.fixture(scope="package")
def ray_cluster(sandbox: Sandbox) -> Iterator[None]:
    # Ray reports usage statistics over the internet by default; tests' traffic stays on
    # 127.0.0.1. Set here, before `ray.init`, so that every Ray process inherits it.
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    # As in the whole suite: this process has run guests before Ray starts in it, so Ray's
    # crash reporter would take wasmtime's trap handlers (init_ray puts them back).
    assert sandbox.run_script(language="python", code="print(1)").stdout == "1\n"
    init_ray(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
    )
    assert replaced_trap_handler() is None
    try:
        yield
    finally:
        shutdown_ray()
    assert replaced_trap_handler() is None  # the tests after these run guests here


@pytest.fixture(scope="package")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store file the pool's actors and the test's own Sandbox share."""
    return tmp_path_factory.mktemp("ray-store") / "store.sqlite3"


@pytest.fixture(scope="package")
def pool(ray_cluster: None, store: Path) -> Iterator[SandboxPool]:
    with SandboxPool(
        actors=2, store=store, num_cpus=0.5, warmup=["python", "javascript"]
    ) as sandbox_pool:
        yield sandbox_pool
