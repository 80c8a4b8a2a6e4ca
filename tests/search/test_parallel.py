"""A rebuild's batches in worker processes: results in order, every batch once, workers forked only
when there is more than one batch, more than one CPU and no other thread in the process."""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading

import pytest

from app.search.backends import parallel
from app.search.backends.parallel import batches, ordered_map


def square_with_pid(part: list[int]) -> tuple[list[int], int]:
    return [n * n for n in part], os.getpid()


BOTH_STARTED = None  # a fork-inherited barrier: the first two batches wait for each other


def square_with_pid_together(part: list[int]) -> tuple[list[int], int]:
    if part[0] < 8:  # batches 0 and 1 of 4: one worker cannot hold both, so both workers work
        BOTH_STARTED.wait(timeout=60)
    return square_with_pid(part)


def test_batches_cut_in_order_and_keep_the_rest():
    assert list(batches(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(batches([], 3)) == []


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="workers need two CPUs")
def test_several_batches_go_to_worker_processes_and_come_back_in_order(monkeypatch):
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)  # threads other tests left behind
    # Without the barrier, a worker that starts late on a busy machine may find every batch taken.
    monkeypatch.setattr(sys.modules[__name__], "BOTH_STARTED", multiprocessing.get_context("fork").Barrier(2))
    results = list(ordered_map(square_with_pid_together, batches(range(50), 4), workers=2))
    assert [n for part, _ in results for n in part] == [n * n for n in range(50)]
    pids = {pid for _, pid in results}
    assert os.getpid() not in pids and len(pids) == 2


def test_one_batch_never_forks():
    assert list(ordered_map(square_with_pid, batches(range(3), 4), workers=2)) == [([0, 1, 4], os.getpid())]


def test_a_process_running_other_threads_does_not_fork():
    found: list = []
    thread = threading.Thread(target=lambda: found.extend(ordered_map(square_with_pid, batches(range(20), 4), workers=2)))
    thread.start()
    thread.join()
    assert [n for part, _ in found for n in part] == [n * n for n in range(20)]
    assert {pid for _, pid in found} == {os.getpid()}
