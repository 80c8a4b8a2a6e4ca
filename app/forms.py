"""Form plumbing shared by the feature packages.

Forms render fields and carry the CSRF token; the services validate (with the same Chinese
messages for the API and the UI) and routes put the per-field messages back on the form with
:meth:`ServiceForm.add_errors`.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

try:  # WTForms ≥ 3.3 wants SelectChoice objects; older versions take (value, label) pairs
    from wtforms import SelectChoice
except ImportError:  # pragma: no cover
    SelectChoice = None


def choices(pairs) -> list:
    """(value, label) pairs in the form this WTForms version expects."""
    return [SelectChoice(v, label) if SelectChoice else (v, label) for v, label in pairs]


def read_version(field) -> int:
    """The version an edit form was read at (its hidden field). Missing or garbled → -1, which the
    services refuse as stale: a save is never taken over a version nobody saw."""
    raw = (field.data or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else -1


class ServiceForm(FlaskForm):
    """A form that shows the services' per-field errors next to its fields. (Control characters,
    NUL among them, never reach a form: :mod:`app.input_guard` refuses them first.)"""

    def add_errors(self, fields: dict[str, str]) -> list[str]:
        """Attach ``{field: message}`` to matching fields; returns the messages that belong to
        no field of this form (shown above it)."""
        general = []
        for name, message in fields.items():
            target = self._fields.get(name)
            if target is None or name == "csrf_token":
                general.append(message)
            else:
                target.errors = [*target.errors, message]
        return general


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes (专业领域、三跨三分离、处理建议)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
