"""Fire requests at the app from several *processes* at once (a single-process test proves
nothing about locking: SQLite's lock is per connection, gunicorn runs several workers).

Each child is forked from the test process, opens its own database connections, waits at a
barrier with the others and sends one request through a Flask test client; the parent collects
``(index, status, json)`` triples. Everything a child needs must be committed before the fork.
"""

from __future__ import annotations

import io
import multiprocessing
import traceback

from app.extensions import db as _db


def _child(app, barrier, queue, index: int, method: str, url: str, headers: dict, body) -> None:
    try:
        with app.app_context():
            _db.engine.dispose(close=False)  # never share the parent's connections
            client = app.test_client()
            barrier.wait(timeout=60)
            if method == "UPLOAD":  # multipart POST of ``body`` = (bytes, file name) as the field ``file``
                content, name = body
                resp = client.post(url, headers=headers, data={"file": (io.BytesIO(content), name)},
                                   content_type="multipart/form-data")
            else:
                resp = client.open(url, method=method, headers=headers, json=body)
            queue.put((index, resp.status_code, resp.get_json(silent=True)))
            _db.session.remove()
    except Exception:
        queue.put((index, -1, {"traceback": traceback.format_exc()}))


def run_parallel(app, requests: list[tuple[str, str, dict, object]], timeout: float = 120) -> list[tuple[int, int, object]]:
    """``requests``: (method, url, headers, json body) each — or ("UPLOAD", url, headers,
    (bytes, file name)) for a multipart file upload; returns the results by index."""
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(len(requests))
    queue = ctx.Queue()
    procs = [ctx.Process(target=_child, args=(app, barrier, queue, i, *req), daemon=True)
             for i, req in enumerate(requests)]
    _db.session.commit()  # nothing uncommitted may be left behind in the parent
    for p in procs:
        p.start()
    results = [queue.get(timeout=timeout) for _ in procs]
    for p in procs:
        p.join(timeout=timeout)
    return sorted(results)


def _call_child(app, barrier, queue, index: int, fn) -> None:
    try:
        with app.app_context():
            _db.engine.dispose(close=False)
            barrier.wait(timeout=60)
            fn()
            _db.session.remove()
        queue.put((index, "ok"))
    except Exception:  # reported to the parent
        queue.put((index, traceback.format_exc()))


def run_parallel_calls(app, calls: list, timeout: float = 120) -> list[tuple[int, str]]:
    """Run each callable in a forked process of its own, all at once, inside an app context;
    returns ``(index, "ok" or the traceback)`` by index."""
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(len(calls))
    queue = ctx.Queue()
    procs = [ctx.Process(target=_call_child, args=(app, barrier, queue, i, fn), daemon=True) for i, fn in enumerate(calls)]
    _db.session.commit()
    for p in procs:
        p.start()
    results = [queue.get(timeout=timeout) for _ in procs]
    for p in procs:
        p.join(timeout=timeout)
    return sorted(results)
