"""One real local Ray cluster for the whole test session (`ray.init(num_cpus=2)`, ~5-17 s),
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
import ray

from embedsandbox.ray import SandboxPool


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[None]:
    # Ray reports usage statistics over the internet by default; tests' traffic stays on
    # 127.0.0.1. Set here, before `ray.init`, so that every Ray process inherits it.
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
    )
    try:
        yield
    finally:
        ray.shutdown()


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store file the pool's actors and the test's own Sandbox share."""
    return tmp_path_factory.mktemp("ray-store") / "store.sqlite3"


@pytest.fixture(scope="session")
def pool(ray_cluster: None, store: Path) -> Iterator[SandboxPool]:
    with SandboxPool(
        actors=2, store=store, num_cpus=0.5, warmup=["python", "javascript"]
    ) as sandbox_pool:
        yield sandbox_pool
