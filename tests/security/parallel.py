"""Run work against the app from several *processes* at once (a single-process test proves
nothing about locking: SQLite's lock is per connection, gunicorn runs several workers).

Each child is forked from the test process, opens its own database connections, waits at a
barrier with the others and runs its piece of work; the parent collects the results by index.
Everything a child needs must be committed before the fork.
"""

from __future__ import annotations

import io
import multiprocessing
import traceback
from functools import partial

from flask import current_app

from app.extensions import db as _db

FAILED = "failed"


def _child(app, barrier, queue, index: int, work) -> None:
    try:
        with app.app_context():
            _db.engine.dispose(close=False)  # never share the parent's connections
            barrier.wait(timeout=60)
            result = work()
            _db.session.remove()
        queue.put((index, result))
    except Exception:  # reported to the parent as the traceback
        queue.put((index, (FAILED, traceback.format_exc())))


def _fork_all(app, works: list, timeout: float) -> list[tuple[int, object]]:
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(len(works))
    queue = ctx.Queue()
    procs = [ctx.Process(target=_child, args=(app, barrier, queue, i, work), daemon=True) for i, work in enumerate(works)]
    _db.session.commit()  # nothing uncommitted may be left behind in the parent
    for p in procs:
        p.start()
    results = [queue.get(timeout=timeout) for _ in procs]
    for p in procs:
        p.join(timeout=timeout)
    return sorted(results, key=lambda r: r[0])


def _send(method: str, url: str, headers: dict, body):
    client = current_app.test_client()
    if method == "UPLOAD":  # multipart POST of ``body`` = (bytes, file name) as the field ``file``
        content, name = body
        resp = client.post(url, headers=headers, data={"file": (io.BytesIO(content), name)},
                           content_type="multipart/form-data")
    else:
        resp = client.open(url, method=method, headers=headers, json=body)
    return resp.status_code, resp.get_json(silent=True)


def run_parallel(app, requests: list[tuple[str, str, dict, object]], timeout: float = 120) -> list[tuple[int, int, object]]:
    """``requests``: (method, url, headers, json body) each — or ("UPLOAD", url, headers,
    (bytes, file name)) for a multipart file upload; returns ``(index, status, json)`` by index,
    status -1 (and the traceback) where the request raised."""
    results = _fork_all(app, [partial(_send, *req) for req in requests], timeout)
    return [(i, -1, {"traceback": r[1]}) if r[0] == FAILED else (i, *r) for i, r in results]


def run_parallel_calls(app, calls: list, timeout: float = 120) -> list[tuple[int, str]]:
    """Run each callable in a process of its own, all at once, inside an app context; returns
    ``(index, "ok" or the traceback)`` by index."""
    return [(i, r[1] if isinstance(r, tuple) and r[0] == FAILED else "ok")
            for i, r in _fork_all(app, calls, timeout)]
