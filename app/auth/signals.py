"""Signals the sign-in code sends for watchers elsewhere (blinker, as Flask uses): the throttle
does not know who counts its failures (app/ops/metrics.py does, connected by ``create_app``)."""

from blinker import Namespace

signals = Namespace()

#: A sign-in try failed: ``send(None, reason="invalid_credentials" | "throttled")``.
sign_in_failed = signals.signal("sign-in-failed")
