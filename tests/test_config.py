"""Instance files: importing the configuration writes nothing; the app makes its session key in
its own INSTANCE_DIR when it is created, and keeps it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from app import create_app
from app.config import BASE_DIR


def test_importing_the_config_writes_no_file(tmp_path):
    instance = tmp_path / "instance"
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"} | {"INSTANCE_DIR": str(instance)}
    code = "import app.config, app; assert app.config.Config.SECRET_KEY is None"
    subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env, check=True)
    assert not instance.exists()


def test_the_app_keeps_its_session_key_in_its_instance_dir(tmp_path):
    settings = {"SECRET_KEY": None, "INSTANCE_DIR": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    first = create_app("testing", settings)
    key_file = Path(tmp_path) / "secret_key"
    assert first.config["SECRET_KEY"] == key_file.read_text().strip() and len(first.config["SECRET_KEY"]) == 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert create_app("testing", settings).config["SECRET_KEY"] == first.config["SECRET_KEY"]  # survives restarts


def test_a_configured_session_key_writes_nothing(tmp_path):
    app = create_app("testing", {"SECRET_KEY": "configured", "INSTANCE_DIR": str(tmp_path / "instance"),
                                 "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SECRET_KEY"] == "configured"
    assert not (tmp_path / "instance").exists()
