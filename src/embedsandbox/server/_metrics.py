"""Prometheus text-format metrics of the server (`GET /metrics`), kept in memory.

Counted by `_context.GuestRunner` around the worker pool: executions by language and
outcome, their durations (queue wait excluded), requests refused with 429, and the pool's
occupancy: guests on a worker, requests queued for one, guests parked in a wait without one.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

__all__ = ["Metrics"]

_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    """Counters and a duration histogram; `render()` gives the Prometheus exposition text."""

    def __init__(
        self,
        workers: int,
        busy: Callable[[], int],
        waiting: Callable[[], int],
        parked: Callable[[], int] = lambda: 0,
    ) -> None:
        self._lock = threading.Lock()
        self._workers = workers
        self._busy = busy
        self._waiting = waiting
        self._parked = parked
        self._executions: Counter[tuple[str, str]] = Counter()
        self._buckets: dict[str, list[int]] = {}
        self._sums: dict[str, float] = {}
        self._counts: Counter[str] = Counter()
        self._rejected = 0

    def execution(self, language: str, outcome: str, seconds: float) -> None:
        """Count one finished execution."""
        with self._lock:
            self._executions[(language, outcome)] += 1
            buckets = self._buckets.setdefault(language, [0] * len(_BUCKETS))
            for index, bound in enumerate(_BUCKETS):
                if seconds <= bound:
                    buckets[index] += 1
            self._sums[language] = self._sums.get(language, 0.0) + seconds
            self._counts[language] += 1

    def rejected(self) -> None:
        """Count one request refused because the pool stayed full."""
        with self._lock:
            self._rejected += 1

    def render(self) -> str:
        """The metrics in the Prometheus text format (version 0.0.4)."""
        lines = [
            "# HELP embedsandbox_executions_total Executions by language and outcome.",
            "# TYPE embedsandbox_executions_total counter",
        ]
        with self._lock:
            for (language, outcome), count in sorted(self._executions.items()):
                lines.append(
                    f'embedsandbox_executions_total{{language="{language}",outcome="{outcome}"}} '
                    f"{count}"
                )
            lines += [
                "# HELP embedsandbox_execution_duration_seconds Time a run held a worker.",
                "# TYPE embedsandbox_execution_duration_seconds histogram",
            ]
            for language in sorted(self._buckets):
                label = f'language="{language}"'
                for bound, count in zip(_BUCKETS, self._buckets[language], strict=True):
                    lines.append(
                        f'embedsandbox_execution_duration_seconds_bucket{{{label},le="{bound}"}} '
                        f"{count}"
                    )
                total = self._counts[language]
                lines += [
                    f'embedsandbox_execution_duration_seconds_bucket{{{label},le="+Inf"}} {total}',
                    f"embedsandbox_execution_duration_seconds_sum{{{label}}} "
                    f"{self._sums[language]:.6f}",
                    f"embedsandbox_execution_duration_seconds_count{{{label}}} {total}",
                ]
            rejected = self._rejected
        lines += [
            "# HELP embedsandbox_rejected_total Requests refused with 429: the pool stayed full.",
            "# TYPE embedsandbox_rejected_total counter",
            f"embedsandbox_rejected_total {rejected}",
            "# HELP embedsandbox_pool_workers Workers of the execution pool.",
            "# TYPE embedsandbox_pool_workers gauge",
            f"embedsandbox_pool_workers {self._workers}",
            "# HELP embedsandbox_pool_busy Workers running a guest now.",
            "# TYPE embedsandbox_pool_busy gauge",
            f"embedsandbox_pool_busy {self._busy()}",
            "# HELP embedsandbox_pool_waiting Requests waiting for a worker now.",
            "# TYPE embedsandbox_pool_waiting gauge",
            f"embedsandbox_pool_waiting {self._waiting()}",
            "# HELP embedsandbox_pool_parked Guests waiting without a worker now "
            "(a sleep, a timer, a host call).",
            "# TYPE embedsandbox_pool_parked gauge",
            f"embedsandbox_pool_parked {self._parked()}",
        ]
        return "\n".join(lines) + "\n"
