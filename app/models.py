"""Every model, imported in one place so Alembic and create_app see the whole schema."""

from app.audit.models import AuditEntry  # noqa: F401
from app.auth.models import ApiToken, LoginAttempt, User  # noqa: F401
from app.experts.models import ConflictDeclaration, Expert, ExpertSpecialty, Unavailability  # noqa: F401
from app.orgs.models import Organization  # noqa: F401
