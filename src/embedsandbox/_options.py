"""`PoolOptions`: how a Sandbox keeps guests ready and where it runs them."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ConfigurationError

__all__ = ["MAX_PROCESSES", "PoolOptions"]

MAX_PROCESSES = 64
"""The most worker processes per language a Sandbox may have."""


@dataclass(frozen=True)
class PoolOptions:
    """Warm pools and worker processes of a Sandbox (`Sandbox(pool=PoolOptions(...))`).

    Raises:
        ConfigurationError: a value is not an integer, or out of its range.

    """

    min_cached_instances: int | None = None
    """Guests per language (and per runtime revision in use) kept instantiated ahead of
    demand, so a run does not wait for one to start. Each is used for exactly one run and then
    discarded; a background thread refills the pool after each run. Default 1 (0 when
    `max_cached_instances` is 0). An idle Python guest holds about 4 MB of RSS, a JavaScript
    one about 2 MB."""
    max_cached_instances: int = 4
    """The most ready guests a pool grows to while runs find it empty; after 30 s without a
    run it shrinks back to `min_cached_instances`. Default 4. `0` turns pooling off: every run
    starts its guest itself. A runtime can set its own pair
    (`runtimes.create(..., min_cached_instances=...)`)."""
    processes: int = 0
    """Worker processes per language that run the guests (each with its own warm pools of the
    sizes above), for throughput across cores: fresh guests do not scale across threads of one
    process. Default 0: guests run in the Sandbox's process. A worker takes about 0.3 s to
    start and 60 MB of RSS; a run pays about 0.2 ms to cross. Outbound HTTP is still performed
    (and credentials added) in the Sandbox's process. Workers are spawned: a script must guard
    its entry point (`if __name__ == "__main__":`). At most 64."""

    def __post_init__(self) -> None:
        low, high = self.min_cached_instances, self.max_cached_instances
        if (
            not _is_int(high)
            or (low is not None and not _is_int(low))
            or high < 0
            or (low is not None and not 0 <= low <= high)
        ):
            msg = (
                "min_cached_instances and max_cached_instances must be integers with "
                f"0 <= min <= max, got min={low!r}, max={high!r}"
            )
            raise ConfigurationError(msg)
        if not _is_int(self.processes) or not 0 <= self.processes <= MAX_PROCESSES:
            msg = f"processes must be an integer from 0 to {MAX_PROCESSES}, got {self.processes!r}"
            raise ConfigurationError(msg)

    @property
    def min_cached(self) -> int:
        """`min_cached_instances` with its default applied."""
        if self.min_cached_instances is None:
            return min(1, self.max_cached_instances)
        return self.min_cached_instances


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
