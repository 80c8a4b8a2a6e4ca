"""Domain exceptions of the expert pool, with Chinese messages for users.

Each exception has a snake_case ``code`` and a ``details`` dict so the web layer can map it
straight onto the API error envelope ``{"error": {"code", "message", "details"}}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from expert_pool.codes import RECUSAL_REASONS


class ExpertPoolError(Exception):
    """Base class of domain errors. ``str(exc)`` is the Chinese message."""

    code = "expert_pool_error"

    def __init__(self, message: str, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = dict(details or {})


class InvalidDrawRequest(ExpertPoolError, ValueError):
    """Bad draw parameters (panel size, reserves, seed, duplicate candidates …)."""

    code = "invalid_draw_request"


class InsufficientExperts(ExpertPoolError):
    """Too few eligible experts to staff a panel plus its reserves.

    ``details`` is the API's ``{"eligible", "needed", "excluded_by_reason"}``.
    """

    code = "insufficient_experts"

    def __init__(self, eligible: int, needed: int,
                 excluded_by_reason: Mapping[str, int] | None = None) -> None:
        self.eligible = eligible
        self.needed = needed
        self.excluded_by_reason = dict(sorted((excluded_by_reason or {}).items()))
        message = f"符合条件的专家不足：需要 {needed} 名，仅有 {eligible} 名符合条件"
        if self.excluded_by_reason:
            parts = "、".join(
                f"{RECUSAL_REASONS.get(reason, reason)} {count} 名"
                for reason, count in self.excluded_by_reason.items()
            )
            message += f"（已排除：{parts}）"
        message += "。可调整专业要求或申请上级专家库援助。"
        super().__init__(message, {"eligible": eligible, "needed": needed,
                                   "excluded_by_reason": self.excluded_by_reason})


class UnknownDrawAlgorithm(ExpertPoolError):
    """A recorded draw names an algorithm version this code cannot recompute."""

    code = "unknown_draw_algorithm"

    def __init__(self, algorithm: str) -> None:
        super().__init__(f"无法复核：未知的抽取算法版本“{algorithm}”。", {"algorithm": algorithm})


class InvalidScheduleRequest(ExpertPoolError, ValueError):
    """Bad slot-search or meeting parameters (non-positive duration, range too long …)."""

    code = "invalid_schedule_request"
