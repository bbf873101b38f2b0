"""Helpers for bulk work (100,000s of candidates): pausing Python's cyclic garbage collector.

Loading and evaluating a big facts file allocates millions of small, acyclic objects (dicts,
tuples, results). Each allocation burst triggers a collection that walks every live object,
so the time grows faster than the file: 10× the candidates took 13× the time. Nothing these
stages build is cyclic, so the collector is paused while they run and restored after. A CLI
command is one short process: `cli._guard` pauses it for the whole command (rendering a big
result allocates as much again); a server keeps it running between the stages.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
