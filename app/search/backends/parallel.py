"""A rebuild's batches processed in worker processes, results in order: the analysis of Chinese text
is Python and most of a rebuild's work, so both backends spread it over the CPUs.

Batches are processed here unless workers start, which they do only when a second batch exists
(the usual small index never forks), only with more than one CPU, and only in a process running no
other thread: a fork copies the locks other threads hold at that moment (the self-repair rebuild of
``app.search.recovery`` runs in a web worker's background thread, so it works in one process).
Workers are forked after the segmenter's dictionary is loaded, so each does not load it again; they
touch no database connection and no open index. At most ``workers + 1`` batches are in flight,
which bounds memory whatever the index size.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from typing import TypeVar

from app.search.analysis import segmenter

T = TypeVar("T")
R = TypeVar("R")


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def ordered_map(work: Callable[[list[T]], R], parts: Iterator[list[T]], workers: int) -> Iterator[R]:
    """``work(part)`` for each part, in order, in up to ``workers`` processes (``work`` and its
    arguments must pickle: a module-level function or a ``functools.partial`` of one)."""
    first = next(parts, None)
    if first is None:
        return
    second = next(parts, None)
    workers = min(workers, os.cpu_count() or 1) if threading.active_count() == 1 else 1
    if second is None or workers < 2:
        yield work(first)
        if second is not None:
            yield work(second)
            yield from map(work, parts)
        return
    segmenter()  # loaded once, before the workers fork
    pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        ahead: deque = deque()
        for part in chain([first, second], parts):
            ahead.append(pool.apply_async(work, (part,)))
            if len(ahead) > workers:  # a batch per worker and one waiting: busy, and bounded
                yield ahead.popleft().get()
        while ahead:
            yield ahead.popleft().get()
    finally:
        pool.terminate()
