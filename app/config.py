"""Configuration from environment variables, with safe defaults for the embedded SQLite mode."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", BASE_DIR / "instance"))


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'platform.db'}")
    # Accept the common "postgres://" and driver-less spellings; we use psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Config:
    # Unset: create_app keeps a random key in <INSTANCE_DIR>/secret_key (app/instance.py), so
    # sessions survive restarts without anyone having to invent one.
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "10")) * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=int(os.environ.get("SESSION_HOURS", "8")))
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead of a wall-clock hour
    BOOTSTRAP_SERVE_LOCAL = True  # government intranets: every asset from this server
    API_TOKEN_HOURS = int(os.environ.get("API_TOKEN_HOURS", "24"))
    # Sign-in throttling (app/auth/throttle.py), all within LOGIN_FAILURE_WINDOW_MINUTES:
    # LOGIN_MAX_FAILURES wrong passwords per account from one address (reset by a success there),
    # LOGIN_MAX_FAILURES_PER_ADDRESS per address over all names; past LOGIN_ACCOUNT_SLOWDOWN_AFTER
    # failures of an account from anywhere, addresses the account never signed in from (within
    # LOGIN_KNOWN_ADDRESS_DAYS) wait LOGIN_BACKOFF_SECONDS, doubling up to LOGIN_BACKOFF_MAX_SECONDS.
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
    LOGIN_FAILURE_WINDOW_MINUTES = int(os.environ.get("LOGIN_FAILURE_WINDOW_MINUTES", "15"))
    LOGIN_MAX_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_MAX_FAILURES_PER_ADDRESS", "20"))
    LOGIN_ACCOUNT_SLOWDOWN_AFTER = int(os.environ.get("LOGIN_ACCOUNT_SLOWDOWN_AFTER", "10"))
    LOGIN_BACKOFF_SECONDS = int(os.environ.get("LOGIN_BACKOFF_SECONDS", "2"))
    LOGIN_BACKOFF_MAX_SECONDS = int(os.environ.get("LOGIN_BACKOFF_MAX_SECONDS", "300"))
    LOGIN_KNOWN_ADDRESS_DAYS = int(os.environ.get("LOGIN_KNOWN_ADDRESS_DAYS", "90"))
    # Behind a reverse proxy (nginx): how many proxies' X-Forwarded-For to trust, so that the
    # sign-in throttle and the audit log see the client's address, not the proxy's. 0 = none.
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))
    PASSWORD_MIN_LENGTH = 10
    INSTANCE_DIR = str(INSTANCE_DIR)
    TIMEZONE = "Asia/Shanghai"
    # Links in e-mails and calendar invitations point here.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # Stored files (attachments, signing keys): "local" (INSTANCE_DIR/files, PKI_DIR) or "database"
    # (table stored_chunks: every app server behind one database shares them). app/storage.
    STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "local")
    ATTACHMENT_MAX_MB = int(os.environ.get("ATTACHMENT_MAX_MB", "10"))
    # Panel draw: nobody's chance of selection above the cap; experts rated below the floor
    # (after enough ratings) are not drawn.
    DRAW_SELECTION_CAP = float(os.environ.get("DRAW_SELECTION_CAP", "0.5"))
    RATING_FLOOR = float(os.environ.get("RATING_FLOOR", "60"))
    RATING_MIN_COUNT = int(os.environ.get("RATING_MIN_COUNT", "3"))
    # E-mail: written to the outbox table, delivered by `flask outbox deliver`.
    MAIL_FROM = os.environ.get("MAIL_FROM", "noreply@xinfang.local")
    SMTP_HOST = os.environ.get("SMTP_HOST", "127.0.0.1")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
    SMTP_USER = os.environ.get("SMTP_USER", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_STARTTLS = os.environ.get("SMTP_STARTTLS", "0") == "1"
    SMTP_SSL = os.environ.get("SMTP_SSL", "0") == "1"
    SMTP_TIMEOUT = int(os.environ.get("SMTP_TIMEOUT", "30"))
    OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
    # Supervision (督办): deadline rule overrides as JSON, alert thresholds in working days.
    SUPERVISION_RULES = os.environ.get("SUPERVISION_RULES", "")
    SUPERVISION_DUE_SOON_DAYS = int(os.environ.get("SUPERVISION_DUE_SOON_DAYS", "3"))
    SUPERVISION_ESCALATE_AFTER_DAYS = int(os.environ.get("SUPERVISION_ESCALATE_AFTER_DAYS", "10"))
    OUTBOX_BACKOFF_SECONDS = int(os.environ.get("OUTBOX_BACKOFF_SECONDS", "60"))
    OUTBOX_BACKOFF_MAX_SECONDS = int(os.environ.get("OUTBOX_BACKOFF_MAX_SECONDS", "21600"))
    # Prepared document fonts (`python -m app.documents.fonts build`); default instance/fonts.
    DOCUMENT_FONTS_DIR = os.environ.get("DOCUMENT_FONTS_DIR") or None
    # Precedent search: "whoosh" (index files in SEARCH_INDEX_DIR, default <INSTANCE_DIR>/search; one
    # server) or "postgresql" (full-text search in the database, shared by several app servers).
    SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "whoosh")
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR") or None
    # Audit chain (app/audit/verification.py): HMAC key, else <INSTANCE_DIR>/audit_key (0600);
    # signed checkpoints of the chain's head go to AUDIT_CHECKPOINT_DIR (default
    # <INSTANCE_DIR>/audit), best on a volume the database's users cannot rewrite.
    AUDIT_KEY = os.environ.get("AUDIT_KEY") or None
    AUDIT_CHECKPOINT_DIR = os.environ.get("AUDIT_CHECKPOINT_DIR") or None
    AUDIT_CHECKPOINT_EVERY = int(os.environ.get("AUDIT_CHECKPOINT_EVERY", "100"))
    AUDIT_CHECKPOINTS = True
    # Authenticity (app/pki, app/verify): keys under PKI_DIR (default <INSTANCE_DIR>/pki), encrypted
    # with PKI_PASSPHRASE (PBKDF2 rounds PKI_KDF_ROUNDS). Outside production an unset passphrase
    # is kept in <INSTANCE_DIR>/pki_passphrase; production refuses to sign without it.
    PKI_DIR = os.environ.get("PKI_DIR") or None
    PKI_PASSPHRASE = os.environ.get("PKI_PASSPHRASE") or None
    PKI_KDF_ROUNDS = int(os.environ.get("PKI_KDF_ROUNDS", "600000"))
    PKI_PASSPHRASE_FILE_FALLBACK = True
    # Public verification pages and POST /api/v1/verify: requests per address and minute.
    VERIFY_RATE_PER_MINUTE = int(os.environ.get("VERIFY_RATE_PER_MINUTE", "30"))
    # Operations (app/ops): log lines as JSON objects ("json"), plain text ("text") or left to the
    # host's logging setup (""); unset: JSON under gunicorn, else text. GET /healthz fails when the
    # outbox holds more undelivered (pending or being sent) or dead (failed for good) e-mails than
    # these. GET /metrics adds up gunicorn's workers when PROMETHEUS_MULTIPROC_DIR is set (read by
    # prometheus_client itself when it is imported).
    LOG_FORMAT = os.environ.get("LOG_FORMAT") or None
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    HEALTH_OUTBOX_MAX_UNDELIVERED = int(os.environ.get("HEALTH_OUTBOX_MAX_UNDELIVERED", "500"))
    HEALTH_OUTBOX_MAX_DEAD = int(os.environ.get("HEALTH_OUTBOX_MAX_DEAD", "100"))


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105 (tests only)
    SQLALCHEMY_DATABASE_URI = "sqlite://"  # tests/conftest.py sets the real one (SQLite or PostgreSQL)
    WTF_CSRF_ENABLED = False  # the UI tests that need CSRF switch it back on explicitly
    # Cheap hashes keep the suite fast (every test signs users in); production uses scrypt
    # (werkzeug's default). The one switch: User.set_password and the demo seed read it.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105 (a method name, not a secret)
    PASSWORD_MIN_LENGTH = 10
    # The suite empties the tables between tests, which checkpoints would rightly call a
    # truncation: tests that check checkpoints switch them on with a directory of their own.
    AUDIT_CHECKPOINTS = False
    PKI_KDF_ROUNDS = 1000  # cheap key encryption: every test issuing an opinion makes an office key
    VERIFY_RATE_PER_MINUTE = 1000  # the rate-limit tests lower it
    LOG_FORMAT = ""  # quiet, whatever the environment says: pytest shows the records of failures


class ProductionConfig(Config):
    PKI_PASSPHRASE_FILE_FALLBACK = False
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")  # one JSON object per line, for the journal
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE


CONFIGS = {"development": DevelopmentConfig, "testing": TestingConfig, "production": ProductionConfig}
