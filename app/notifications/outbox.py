"""Delivering the e-mail outbox (``email_outbox``) over SMTP, with retries and backoff.

E-mails are written by :func:`app.notifications.services.notify` in the transaction of the event
they report; this worker sends the due ones (``status='pending'`` and ``next_attempt_at <= now``).

Each row is delivered exactly once by one worker, however many run:

- **PostgreSQL**: the row is taken with ``SELECT … FOR UPDATE SKIP LOCKED``; other workers skip
  it while it is being sent, and the outcome is committed in the same transaction.
- **SQLite** (no row locks): a conditional ``UPDATE … SET status='sending' WHERE id=? AND
  status='pending'`` claims it; only the worker whose update changed the row sends it. The
  claim doubles as a lease (``next_attempt_at`` = now + :data:`LEASE`): a row left ``sending``
  by a worker that died is put back to ``pending`` once the lease has run out.

The outcome is committed after every message. On failure ``attempts`` rises, ``last_error`` is
kept and the next try waits ``OUTBOX_BACKOFF_SECONDS × 2^(attempts−1)`` (capped at
``OUTBOX_BACKOFF_MAX_SECONDS``); after ``OUTBOX_MAX_ATTEMPTS`` tries, or at once on a permanent
(5xx) refusal, the row is ``failed`` (``flask outbox retry`` queues it again). If the server
is unreachable, the remaining rows of the run are marked failed-for-now with the same error
instead of each waiting for its own connection timeout.

Only a crash between the SMTP server's acceptance and the commit can repeat a message; it is
then re-sent with the same ``Message-ID``, which lets mail systems recognise the duplicate.
"""

from __future__ import annotations

import base64
import contextlib
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from flask import current_app
from sqlalchemy import func, select, update

from app.db_types import utcnow
from app.extensions import db
from app.notifications.models import OutboxEmail

LEASE = timedelta(minutes=10)
SENDER_NAME = "信访工作专家会商与法律审查平台"


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    recovered: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return self.sent + self.retrying + self.failed


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 25
    user: str = ""
    password: str = ""
    starttls: bool = False
    ssl: bool = False
    timeout: float = 30.0
    sender: str = "noreply@xinfang.local"
    max_attempts: int = 8
    backoff_seconds: int = 60
    backoff_max_seconds: int = 6 * 3600

    @classmethod
    def from_config(cls, cfg) -> SmtpSettings:
        def flag(name: str) -> bool:
            value = cfg.get(name, False)
            return value.strip().lower() in ("1", "true", "yes", "on") if isinstance(value, str) else bool(value)

        return cls(
            host=cfg.get("SMTP_HOST", "127.0.0.1"), port=int(cfg.get("SMTP_PORT", 25)),
            user=cfg.get("SMTP_USER") or "", password=cfg.get("SMTP_PASSWORD") or "",
            starttls=flag("SMTP_STARTTLS"), ssl=flag("SMTP_SSL"), timeout=float(cfg.get("SMTP_TIMEOUT", 30)),
            sender=cfg.get("MAIL_FROM", "noreply@xinfang.local"),
            max_attempts=int(cfg.get("OUTBOX_MAX_ATTEMPTS", 8)), backoff_seconds=int(cfg.get("OUTBOX_BACKOFF_SECONDS", 60)),
            backoff_max_seconds=int(cfg.get("OUTBOX_BACKOFF_MAX_SECONDS", 6 * 3600)),
        )


def backoff(settings: SmtpSettings, attempts: int) -> timedelta:
    """Wait before the next try after ``attempts`` failed ones: base × 2^(attempts−1), capped."""
    seconds = settings.backoff_seconds * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.backoff_max_seconds))


def build_message(row: OutboxEmail, sender: str) -> EmailMessage:
    """The MIME message: UTF-8 subject and body, the row's Message-ID, its attachments."""
    msg = EmailMessage()
    msg["Subject"] = row.subject
    msg["From"] = formataddr((SENDER_NAME, sender))
    msg["To"] = row.to_address
    msg["Message-ID"] = row.message_id
    msg["Date"] = format_datetime(row.created_at or utcnow())
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(row.body, charset="utf-8")
    for att in row.attachments or []:
        maintype, _, rest = att["content_type"].partition("/")
        subtype, *param_parts = [p.strip() for p in rest.split(";")]
        params = {}
        for part in param_parts:
            key, _, value = part.partition("=")
            if key:
                params[key.strip().lower()] = value.strip().strip('"')
        msg.add_attachment(base64.b64decode(att["data_b64"]), maintype=maintype, subtype=subtype,
                           filename=att["filename"], params=params)
    return msg


class PermanentFailure(Exception):
    """The server refused the message for good (5xx): retrying will not help."""


class Unreachable(Exception):
    """No connection to the SMTP server (refused, timed out, TLS or login failed)."""


class Mailer:
    """One SMTP connection for a delivery run, opened on first use."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self.conn: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            if s.ssl:
                conn = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=ssl.create_default_context())
            else:
                conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            conn.ehlo()
            if s.starttls and not s.ssl:
                conn.starttls(context=ssl.create_default_context())
                conn.ehlo()
            if s.user:
                conn.login(s.user, s.password)
        except (OSError, smtplib.SMTPException) as exc:
            raise Unreachable(f"无法连接邮件服务器 {s.host}:{s.port}：{exc}") from exc
        return conn

    def send(self, msg: EmailMessage) -> None:
        if self.conn is None:
            self.conn = self._connect()
        try:
            refused = self.conn.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            error = f"收件人被拒绝：{exc.recipients}"
            raise (PermanentFailure(error) if all(c >= 500 for c in codes) else RuntimeError(error)) from exc
        except smtplib.SMTPResponseException as exc:
            text = f"邮件服务器拒绝（{exc.smtp_code}）：{exc.smtp_error!r}"
            if exc.smtp_code >= 500:
                raise PermanentFailure(text) from exc
            raise RuntimeError(text) from exc
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self.close()
            raise Unreachable(f"与邮件服务器的连接中断：{exc}") from exc
        if refused:
            raise RuntimeError(f"部分收件人被拒绝：{refused}")

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.conn.quit()
            self.conn = None


# -------------------------------------------------------------------------- claiming rows

def _due(now: datetime):
    return (OutboxEmail.status == "pending") & (OutboxEmail.next_attempt_at <= now)


def _claim(now: datetime, skip: set[int]) -> OutboxEmail | None:
    """Take the next due row for this worker, or None when nothing is due. The claim is a
    compare-and-set that leases the row (``sending`` until the lease runs out) and commits, the
    same on SQLite and PostgreSQL: no lock is held while the mail server is being talked to, and
    a worker that dies mid-send leaves a row that :func:`recover_stale` makes due again."""
    while True:
        stmt = select(OutboxEmail.id).where(_due(now)).order_by(OutboxEmail.next_attempt_at, OutboxEmail.id).limit(1)
        if skip:
            stmt = stmt.where(OutboxEmail.id.not_in(skip))
        row_id = db.session.execute(stmt).scalar()
        if row_id is None:
            db.session.commit()
            return None
        claimed = db.session.execute(
            update(OutboxEmail).where(OutboxEmail.id == row_id, _due(now))
            .values(status="sending", next_attempt_at=now + LEASE)
        ).rowcount
        db.session.commit()
        if claimed == 1:
            return db.session.get(OutboxEmail, row_id, populate_existing=True)
        skip.add(row_id)  # another worker took it


def recover_stale(now: datetime) -> int:
    """Rows left ``sending`` by a worker that died (their lease ran out) are due again."""
    count = db.session.execute(
        update(OutboxEmail).where(OutboxEmail.status == "sending", OutboxEmail.next_attempt_at <= now)
        .values(status="pending")
    ).rowcount
    db.session.commit()
    return count or 0


def _failed(row: OutboxEmail, error: str, now: datetime, settings: SmtpSettings, permanent: bool,
            report: DeliveryReport) -> None:
    row.attempts = (row.attempts or 0) + 1
    row.last_error = error[:2000]
    if permanent or row.attempts >= settings.max_attempts:
        row.status = "failed"
        row.next_attempt_at = now
        report.failed += 1
    else:
        row.status = "pending"
        row.next_attempt_at = now + backoff(settings, row.attempts)
        report.retrying += 1
    if error not in report.errors:
        report.errors.append(error)


def deliver_due(now: datetime | None = None, limit: int = 500, settings: SmtpSettings | None = None) -> DeliveryReport:
    """Send the e-mails due at ``now`` (default: the current time), at most ``limit``.
    Commits after each message; returns what happened."""
    now = now or utcnow()
    settings = settings or SmtpSettings.from_config(current_app.config)
    report = DeliveryReport(recovered=recover_stale(now))
    mailer = Mailer(settings)
    unreachable: str | None = None
    skip: set[int] = set()
    try:
        for _ in range(limit):
            row = _claim(now, skip)
            if row is None:
                break
            if unreachable:
                _failed(row, unreachable, now, settings, False, report)
            else:
                try:
                    mailer.send(build_message(row, settings.sender))
                except Unreachable as exc:
                    unreachable = str(exc)
                    _failed(row, unreachable, now, settings, False, report)
                except PermanentFailure as exc:
                    _failed(row, str(exc), now, settings, True, report)
                except (RuntimeError, smtplib.SMTPException, TimeoutError, ValueError) as exc:
                    _failed(row, str(exc) or exc.__class__.__name__, now, settings, False, report)
                else:
                    row.status = "sent"
                    row.sent_at = utcnow()
                    row.attempts = (row.attempts or 0) + 1
                    row.last_error = None
                    report.sent += 1
            db.session.commit()
    finally:
        db.session.rollback()
        mailer.close()
    return report


def status_counts() -> dict[str, int]:
    rows = db.session.execute(select(OutboxEmail.status, func.count()).group_by(OutboxEmail.status)).all()
    return {status: int(n) for status, n in rows}


def retry_failed(ids: list[int] | None = None) -> int:
    """Queue failed e-mails again (all, or the given ids) with a fresh attempt budget."""
    stmt = update(OutboxEmail).where(OutboxEmail.status == "failed")
    if ids:
        stmt = stmt.where(OutboxEmail.id.in_(ids))
    count = db.session.execute(stmt.values(status="pending", attempts=0, next_attempt_at=utcnow())).rowcount
    db.session.commit()
    return count or 0
