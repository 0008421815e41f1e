"""The engine core: what every interpreter's engine shares (wasmtime plumbing, guest threads).

Engines (`_engines/_python.py`, `_engines/_javascript.py`) build on these modules; nothing
here knows an interpreter.
"""
