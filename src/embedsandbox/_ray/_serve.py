"""The HTTP server as a Ray Serve application: `create_app` behind `@serve.ingress`.

Each replica builds its own app from the options (Serve calls the builder on the replica, so
nothing of the app, its key store or its worker threads is pickled): its own Sandboxes, one
per project, on the stores the options name, and its own worker pool.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from ..server import ServerOptions

__all__ = ["DEFAULT_AUTOSCALING", "serve_deployment"]

DEFAULT_AUTOSCALING: Final[Mapping[str, Any]] = {
    "min_replicas": 1,
    "max_replicas": 4,
    "target_ongoing_requests": 2,
}
"""`serve_deployment`'s autoscaling default: 1 to 4 replicas, aiming at 2 requests in
progress per replica (a replica of 1 CPU runs one guest at a time; the second waits)."""


def serve_deployment(
    options: ServerOptions | None = None,
    *,
    name: str = "embedsandbox",
    num_replicas: int | None = None,
    autoscaling_config: Mapping[str, Any] | None = None,
    ray_actor_options: Mapping[str, Any] | None = None,
    max_ongoing_requests: int = 8,
) -> Any:
    """The server's FastAPI app as a bound Ray Serve application, for `serve.run(...)`.

        from ray import serve
        from embedsandbox.ray import serve_deployment
        from embedsandbox.server import ServerOptions

        serve.run(serve_deployment(ServerOptions(store=Path("/shared/store.sqlite3"),
                                                 keys=Path("/shared/keys.sqlite3"))))

    Args:
        options: The server's options (`ServerOptions`), the same for every replica. Its
            store and keys files must be reachable from every node a replica runs on; set
            `workers` to the replica's CPUs (default: every CPU of its node).
        name: The deployment's name.
        num_replicas: A fixed number of replicas instead of autoscaling.
        autoscaling_config: Ray Serve's autoscaling settings (default
            `DEFAULT_AUTOSCALING`: 1 to 4 replicas, 2 ongoing requests per replica).
        ray_actor_options: Each replica's actor options (default `{"num_cpus": 1}`).
        max_ongoing_requests: Requests one replica takes at once before Serve queues them
            in its proxy (default 8; the replica's own queue answers 429 past
            `queue_timeout_s`).

    Raises:
        ImportError: Ray Serve is not installed (`pip install 'embedsandbox[ray-serve]'`).
        ValueError: both `num_replicas` and `autoscaling_config` are given.

    """
    try:
        from ray import serve

        from ..server import ServerOptions, create_app  # FastAPI: the `server` extra
    except ImportError:
        msg = (
            "serve_deployment needs Ray Serve and the server, which are not installed: "
            "pip install 'embedsandbox[ray-serve]'"
        )
        raise ImportError(msg) from None
    if num_replicas is not None and autoscaling_config is not None:
        msg = "give num_replicas or autoscaling_config, not both"
        raise ValueError(msg)
    settings: dict[str, Any] = {
        "name": name,
        "max_ongoing_requests": max_ongoing_requests,
        "ray_actor_options": dict(ray_actor_options or {"num_cpus": 1}),
    }
    if num_replicas is not None:
        settings["num_replicas"] = num_replicas
    else:
        settings["autoscaling_config"] = dict(autoscaling_config or DEFAULT_AUTOSCALING)
    options = options or ServerOptions()

    def build_app() -> Any:
        # A function (Serve calls it on each replica; an app object would be pickled).
        return create_app(options)

    @serve.ingress(build_app)
    class EmbedSandboxServer:
        """One replica of the server (the routes are the app's)."""

    return serve.deployment(**settings)(EmbedSandboxServer).bind()
