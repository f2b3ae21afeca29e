"""Spread per-file work over every core, for catalogs large enough to pay for the processes.

Workers are forked, so they inherit module state (the site's templates) instead of pickling it.
What the parent holds when they fork is frozen out of the garbage collector's sight, so no
worker walks (and so copies) the parent's objects; `few_collections` makes the collector run
less often while a catalog's worth of long-lived objects is built.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")
U = TypeVar("U")
PARALLEL_FROM = 400  # items; below this, starting worker processes costs more than it saves
# A worker that is done idles while the others finish their last chunk: small chunks keep that
# tail short (rendering 10,000 entries with 4 chunks a worker, the two ended 1.7-2.3 s apart,
# with 16 0.8-1.2 s, on a loaded machine); each chunk costs one task message.
CHUNKS_PER_WORKER = 16
FEW_COLLECTIONS = 100_000  # allocations between young-generation collections (CPython's default: 700)


@contextmanager
def few_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often inside the block.

    Reading or rendering 10,000 entries builds millions of objects that live on; at the default
    threshold the collector walks them again and again (about a fifth of the time). They hold no
    reference cycles, so collecting less often costs some memory for a while and loses nothing.
    """
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], FEW_COLLECTIONS), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


def map_chunks(work: Callable[[Sequence[T]], list[U]], items: Sequence[T], workers: int | None = None,
               meanwhile: Callable[[], object] | None = None) -> list[U]:
    """`work` over contiguous chunks of `items`, results concatenated in order; `meanwhile()` is
    called in this process while the workers run (or after the work, without workers).

    >>> map_chunks(lambda chunk: [x * 2 for x in chunk], [1, 2, 3])
    [2, 4, 6]
    """
    workers = workers or min(os.cpu_count() or 1, 8)
    if workers < 2 or len(items) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        results = list(work(items))
        if meanwhile is not None:
            meanwhile()
        return results
    size = -(-len(items) // (workers * CHUNKS_PER_WORKER))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    gc.freeze()  # the workers inherit the parent's objects; their collections need not walk them
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            parts = pool.map(work, chunks)  # the workers are forked and started here
            if meanwhile is not None:
                meanwhile()
            return [result for part in parts for result in part]
    finally:
        gc.unfreeze()
