"""The one transaction boundary of a request (Indico commits after ``_process``; cosmicpython's
service layer owns the unit of work).

Services change state and raise ``app.errors``; they never commit. The web layer commits once,
here, and only when the use case went through:

- :func:`ui_action` for a page's action (POST forms, and the exports whose audit entry must
  be kept): run the service call, commit, flash the Chinese success message and redirect; on an
  error the handler answers itself (re-show the form, flash and go back), roll back first.
- :func:`api_transaction` wraps every ``/api/v1`` view (``app.api.core.api_route``): commit
  after a successful answer to a state-changing request; anything else is rolled back.

Errors a handler does not declare propagate to the app's error pages and JSON errors
(``app.web``, ``app.api.core``), which roll back too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, flash, request
from flask.typing import ResponseReturnValue

from app.errors import AppError, Conflict, ValidationFailed
from app.extensions import db

T = TypeVar("T")
ErrorTypes = type[AppError] | tuple[type[AppError], ...]
Flash = str | tuple[str, str] | None  # a message (category "success"), or (message, category), or nothing


def ui_action(
    run: Callable[[], T],
    *,
    done: Flash | Callable[[T], Flash] = None,
    to: Callable[[T], ResponseReturnValue] | None = None,
    back: Callable[[], ResponseReturnValue] | None = None,
    on_invalid: Callable[[ValidationFailed], ResponseReturnValue] | None = None,
    on_error: Mapping[ErrorTypes, Callable[[Any], ResponseReturnValue]] | None = None,
) -> ResponseReturnValue:
    """Run ``run()`` — one use case — as one transaction and answer the page.

    Success: ``done(result)`` (or ``done`` itself) is worked out while the changes are still in
    the session, the transaction is committed, the message flashed and ``to(result)`` returned
    (default: ``back()``).

    Failure, after the rollback, the first that matches:
    ``on_error``  {error type(s): handler(err)} — errors this page answers itself;
    ``on_invalid`` handler(err) for a ValidationFailed — usually the form again with 422;
    ``back``      for a Conflict: its message flashed as a warning, then ``back()``.
    Any other error propagates to the error pages (which roll back as well).
    """
    try:
        result = run()
    except AppError as err:
        handler = _handler_for(err, on_error, on_invalid, back)
        if handler is None:
            raise
        db.session.rollback()
        return handler(err)
    message = done(result) if callable(done) else done
    db.session.commit()
    if message:
        text, category = (message, "success") if isinstance(message, str) else message
        flash(text, category)
    if to is not None:
        return to(result)
    if back is None:
        raise TypeError("ui_action needs `to` or `back` to answer a success")
    return back()


def _handler_for(err: AppError, on_error, on_invalid, back) -> Callable[[Any], ResponseReturnValue] | None:
    for types, handler in (on_error or {}).items():
        if isinstance(err, types):
            return handler
    if on_invalid is not None and isinstance(err, ValidationFailed):
        return on_invalid
    if back is not None and isinstance(err, Conflict):
        return lambda e: _flash_back(e, back)
    return None


def _flash_back(err: AppError, back: Callable[[], ResponseReturnValue]) -> ResponseReturnValue:
    flash(err.message, "warning")
    return back()


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def api_transaction(view: Callable[..., ResponseReturnValue], *, writes: bool | None = None) -> Callable:
    """``view`` with the API's transaction boundary: commit when it answers below 400 and the
    request changes state (any method but GET/HEAD/OPTIONS, or ``writes=True`` for a GET that
    records something, e.g. an export's audit entry); roll back on any 4xx/5xx it returns.
    Raised errors never reach the commit: the error handlers roll back."""

    @wraps(view)
    def in_transaction(*args, **kwargs):
        response = current_app.make_response(view(*args, **kwargs))
        changes_state = writes if writes is not None else request.method not in SAFE_METHODS
        if response.status_code >= 400:
            db.session.rollback()
        elif changes_state:
            db.session.commit()
        return response

    return in_transaction
