"""The deadline rules and alert thresholds in force, from the app's configuration:

``SUPERVISION_RULES``  overrides of :data:`expert_pool.deadlines.DEFAULT_RULES`, e.g.
                       ``{"consultation": {"days": 15}}`` (env ``SUPERVISION_RULES`` as JSON);
``SUPERVISION_DUE_SOON_DAYS`` (3) / ``SUPERVISION_ESCALATE_AFTER_DAYS`` (10) working days.
"""

from __future__ import annotations

import json

from flask import current_app

from expert_pool import deadlines as D


def rules() -> dict[str, D.DeadlineRule]:
    raw = current_app.config.get("SUPERVISION_RULES") or {}
    if isinstance(raw, str):
        raw = json.loads(raw)
    return D.rules_from(raw)


def rule(code: str) -> D.DeadlineRule:
    return rules()[code]


def thresholds() -> D.Thresholds:
    cfg = current_app.config
    return D.Thresholds(due_soon=int(cfg.get("SUPERVISION_DUE_SOON_DAYS", 3)),
                        escalate_after=int(cfg.get("SUPERVISION_ESCALATE_AFTER_DAYS", 10)))
