"""Issue 9, item 10: the audit log's action filter is built from one list of the action codes
the services record, one label each — no duplicates, no codes that never match."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from app.audit.actions import ACTIONS

APP = Path(__file__).resolve().parents[2] / "app"


def recorded_actions() -> set[str]:
    """Action codes passed to the audit writers anywhere in app/: ``audit.record("x", …)``,
    ``record(obj, "x", …)``, ``recording.record(c, "x" if … else "y", …)``,
    ``set_status(…, action="x")`` (default "status") and ``{"action": "x"}`` batch items."""
    found = {"status"}
    for path in APP.rglob("*.py"):
        if "search" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name == "set_status":
                    args = [k.value for k in node.keywords if k.arg == "action"]
                elif name in ("record", "record_consultation"):
                    first = node.args[0] if node.args else None
                    if isinstance(first, ast.Constant | ast.IfExp):  # audit.record("x", …)
                        args = [first]
                    elif isinstance(first, ast.Name) and first.id == "action":  # a writer passing its caller's code on
                        args = []
                    else:  # record(obj, "x", …)
                        args = node.args[1:2]
                else:
                    continue
                for arg in args:
                    found |= {c.value for c in ast.walk(arg) if isinstance(c, ast.Constant) and isinstance(c.value, str)
                              and re.fullmatch(r"[a-z_]+", c.value)}
            elif isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value == "action" and isinstance(value, ast.Constant):
                        found.add(value.value)
    return found


def test_every_recorded_action_has_one_label_and_nothing_else_is_listed():
    recorded = recorded_actions()
    assert recorded - set(ACTIONS) == set(), "recorded but not in app.audit.actions"
    assert set(ACTIONS) - recorded == set(), "listed but never recorded"
    labels = list(ACTIONS.values())
    assert len(labels) == len(set(labels)), "one label each"


def test_filter_offers_exactly_the_list(client, world, login):
    login(world.admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    select = page[page.index('name="action"'):]
    select = select[:select.index("</select>")]
    options = re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select)
    assert options[0] == ("", "全部操作")
    assert dict(options[1:]) == ACTIONS
    for stale in ("decline_invitation", "draw", "schedule", "invitation_respond"):
        assert f'value="{stale}"' not in select
