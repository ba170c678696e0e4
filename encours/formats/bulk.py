"""Reading and writing a million records at once."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a file's records are built.

    Records stay alive until the whole file is read, and hold no reference cycles; every collection pass
    would walk all of them again for nothing (a quarter of the time of a million-line FEC). Reference
    counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
