"""The draw policy (selection cap, rating floor) as the app's configuration sets it."""

from __future__ import annotations

from flask import current_app

from expert_pool.model import DrawPolicy


def policy_from_config() -> DrawPolicy:
    cfg = current_app.config
    return DrawPolicy(selection_cap=cfg.get("DRAW_SELECTION_CAP", 0.5), rating_floor=cfg.get("RATING_FLOOR", 60.0),
                      min_ratings=cfg.get("RATING_MIN_COUNT", 3))
