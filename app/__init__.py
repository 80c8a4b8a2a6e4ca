"""Application factory of 信访工作专家会商与法律审查平台."""

from __future__ import annotations

import gc

from flask import Flask

from app import routing
from app.config import BASE_DIR, CONFIGS, Config
from app.extensions import bootstrap, csrf, db, login_manager, migrate


def create_app(config: str | type | dict | None = None, overrides: dict | None = None) -> Flask:
    """Build the app. ``config`` is a config name ('testing'…), a Config class, or a dict of
    overrides applied on top of the environment's config (as in the Flask tutorial);
    ``overrides`` are applied last."""
    app = Flask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "app" / "static"),
        instance_path=str(Config.INSTANCE_DIR),
    )
    if isinstance(config, str):
        app.config.from_object(CONFIGS[config])
    elif isinstance(config, type):
        app.config.from_object(config)
    else:
        import os

        app.config.from_object(CONFIGS[os.environ.get("APP_ENV", "development")])
        if isinstance(config, dict):
            app.config.update(config)
    app.config.update(overrides or {})
    from app.storage import check_config

    check_config(app.config)

    if app.config.get("PROXY_FIX_X_FOR"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"], x_proto=1)
    _init_extensions(app)
    _create_instance_files(app)
    _init_operations(app)
    routing.init_app(app)
    _register_blueprints(app)
    _connect_signals()
    _register_cli(app)

    from app import web

    web.init_app(app)
    # Everything imported so far lives as long as the process: move it out of the garbage
    # collector's view, so full collections stop re-scanning it (pool screening allocates
    # heavily and otherwise pays ~80 ms pauses every other request).
    gc.freeze()
    return app


def _create_instance_files(app: Flask) -> None:
    """The session key, when the environment gives none, lives in the database (shared by every
    app server; an old install's ``<INSTANCE_DIR>/secret_key`` becomes it), or in that file while
    the database has no schema yet: read here, for this app, not when app.config is imported.
    (The audit key is made when first used, app/audit/keys.py.)"""
    if not app.config.get("SECRET_KEY"):
        from app.instance import DeferredKeySessionInterface, session_key

        app.config["SECRET_KEY"] = session_key(app)
        if not app.config["SECRET_KEY"]:  # database unreachable now: read the key when it answers
            app.session_interface = DeferredKeySessionInterface()


def _init_extensions(app: Flask) -> None:
    from app import dbsetup
    from app.db_types import render_migration_type

    db.init_app(app)
    dbsetup.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True,
                    compare_type=True, render_item=render_migration_type)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录"
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    bootstrap.init_app(app)

    from app import models  # noqa: F401  (registers every table on the metadata)


def _init_operations(app: Flask) -> None:
    """Logging, request ids and metrics first, so that their hooks wrap every other one."""
    from app.ops import hooks

    hooks.init_app(app)


def _register_blueprints(app: Flask) -> None:
    # Each feature's routes.py gathers its route modules, so importing it yields the blueprint
    # with every route on it (the packages themselves import no views).
    from app.admin.routes import bp as admin_bp
    from app.api.routes import bp as api_bp
    from app.auth.routes import bp as auth_bp
    from app.cases.routes import bp as cases_bp
    from app.consultations.routes import bp as consultations_bp
    from app.experts.routes import bp as experts_bp
    from app.main.routes import bp as main_bp
    from app.meetings.routes import bp as meetings_bp
    from app.notifications.routes import bp as notifications_bp
    from app.opinions.routes import bp as opinions_bp
    from app.ops.routes import bp as ops_bp
    from app.pki.routes import bp as pki_bp
    from app.search.routes import bp as search_bp
    from app.supervision.routes import bp as supervision_bp
    from app.verify.routes import bp as verify_bp

    csrf.exempt(api_bp)  # bearer-token API: no cookies, so no CSRF (api.md)
    blueprints = (main_bp, auth_bp, experts_bp, cases_bp, consultations_bp, meetings_bp, notifications_bp, opinions_bp,
                  search_bp, supervision_bp, admin_bp, pki_bp, verify_bp, ops_bp, api_bp)
    for bp in blueprints:
        app.register_blueprint(bp)


def _connect_signals() -> None:
    """Follow-ups one feature runs when another sends a signal (blinker signals are process-wide;
    connecting again is a no-op): meetings re-send the invitation when consultations change the
    seated panel."""
    from app.meetings import receivers as meeting_receivers

    meeting_receivers.connect()


def _register_cli(app: Flask) -> None:
    from app.audit.cli import audit_cli
    from app.backup.cli import backup_command, restore_command
    from app.cli import seed_cli, users_cli
    from app.notifications.cli import outbox_cli
    from app.pki.cli import pki_cli
    from app.search.cli import search_cli
    from app.supervision.cli import supervision_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(seed_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(search_cli)
    app.cli.add_command(pki_cli)
    app.cli.add_command(supervision_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
