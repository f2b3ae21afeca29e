"""Spread per-file work over every core, for catalogs large enough to pay for the processes.

Workers are forked, so they inherit module state (the site's templates) instead of pickling it.
"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
U = TypeVar("U")
PARALLEL_FROM = 400  # items; below this, starting worker processes costs more than it saves


def map_chunks(work: Callable[[Sequence[T]], list[U]], items: Sequence[T], workers: int | None = None) -> list[U]:
    """`work` over contiguous chunks of `items`, results concatenated in order.

    >>> map_chunks(lambda chunk: [x * 2 for x in chunk], [1, 2, 3])
    [2, 4, 6]
    """
    workers = workers or min(os.cpu_count() or 1, 8)
    if workers < 2 or len(items) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return list(work(items))
    size = -(-len(items) // (workers * 4))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return [result for part in pool.map(work, chunks) for result in part]
