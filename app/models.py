"""Every model, imported in one place so Alembic and create_app see the whole schema."""

from app.audit.models import AuditEntry  # noqa: F401
from app.auth.models import ApiToken, LoginAttempt, User  # noqa: F401
from app.cases.models import Attachment, Case, Petitioner  # noqa: F401
from app.consultations.models import (  # noqa: F401
    Consultation,
    Escalation,
    ExpertRating,
    PanelDraw,
    PanelMember,
)
from app.experts.models import (  # noqa: F401
    ConflictDeclaration,
    Expert,
    ExpertSpecialty,
    Unavailability,
)
from app.meetings.models import Meeting, MeetingAttendance  # noqa: F401
from app.notifications.models import Notification, OutboxEmail  # noqa: F401
from app.orgs.models import Organization  # noqa: F401
from app.sequences import Sequence  # noqa: F401
from app.opinions.models import (  # noqa: F401
    Opinion, OpinionComment, OpinionDissent, OpinionFeedback, OpinionFile, OpinionSignature, OpinionVersion,
)
from app.search.models import OpinionSearchText, SearchEntry, SearchFacetKey, SearchTerms  # noqa: F401
from app.pki.models import IssuedSignature, OfficeSeal, SigningCertificate  # noqa: F401
from app.ratelimit import RateCounter  # noqa: F401
from app.supervision.models import ExtensionRequest, SupervisionAlert, SupervisionNotice  # noqa: F401
from app.storage.models import AppSecret, StoredChunk  # noqa: F401
