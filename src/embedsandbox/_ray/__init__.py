"""Internals of `embedsandbox.ray`: the actor, the pool's slots, the Ray Serve deployment.

`_actor` (the class each actor is), `_slots` (which actor takes the next run, replacement),
`_jobs` (runs and chunks, and their dumps), `_serve` (the server's app behind
`@serve.ingress`). None imports Ray at module level.
"""
