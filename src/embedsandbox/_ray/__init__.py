"""Internals of `embedsandbox.ray`: the actor (`_actor`), the pool's slots (`_slots`) and the
Ray Serve deployment (`_serve`). Nothing here imports Ray at module level except `_serve`."""
