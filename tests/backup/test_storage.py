"""The storage backends behave alike: write once, read back in chunks, list, delete; the local
one keeps the layout of old installs; the database one keeps a large object in several rows.
And the session key: created once in the database, or taken over from an old install's file."""

from __future__ import annotations

import hashlib
import os

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from app.extensions import db
from app.instance import shared_secret
from app.storage import CHUNK, file_key, pki_key, storage
from app.storage.models import AppSecret, StoredChunk
from tests.backup.instances import Instance, on_postgresql


@pytest.mark.parametrize("backend", ["local", "database"])
def test_a_backend_stores_reads_lists_and_deletes(instances, backend, tmp_path):
    instance = instances.new("s", STORAGE_BACKEND=backend)
    instance.migrate()
    big = os.urandom(2 * CHUNK + 123)
    sha = hashlib.sha256(big).hexdigest()
    path = tmp_path / "upload"
    path.write_bytes(big)
    with instance.app.app_context():
        store = storage()
        assert store.name == backend
        assert not store.exists(file_key(sha))
        assert store.put_file(file_key(sha), path) is True
        assert store.put_file(file_key(sha), path) is False  # content-addressed: stored once
        store.put_bytes(pki_key("keys/k1.key.p12"), b"secret-bytes")
        with pytest.raises(FileExistsError):
            store.put_bytes(pki_key("keys/k1.key.p12"), b"other")
        db.session.commit()
        chunks = list(store.chunks(file_key(sha)))
        assert b"".join(chunks) == big and max(map(len, chunks)) <= CHUNK and len(chunks) == 3
        assert store.read_bytes(pki_key("keys/k1.key.p12")) == b"secret-bytes"
        assert list(store.keys("files/")) == [file_key(sha)]
        assert list(store.keys("pki/")) == ["pki/keys/k1.key.p12"]
        local = instance.directory / "files" / sha[:2] / sha
        rows = db.session.execute(select(func.count()).select_from(StoredChunk)).scalar_one()
        if backend == "local":
            assert local.read_bytes() == big and (instance.directory / "pki/keys/k1.key.p12").stat().st_mode & 0o077 == 0
            assert rows == 0
        else:
            assert not local.exists() and rows == 3 + 1
        store.delete(file_key(sha))
        db.session.commit()
        assert not store.exists(file_key(sha)) and list(store.keys("files/")) == []
        with pytest.raises(FileNotFoundError):
            store.chunks(file_key(sha))
        with pytest.raises(FileNotFoundError):
            store.read_bytes(pki_key("keys/missing.key.p12"))
        db.session.remove()


def test_keys_cannot_leave_their_area():
    for bad in ("../etc/passwd", "keys/../../x", "/abs", ""):
        with pytest.raises(ValueError):
            pki_key(bad)
    with pytest.raises(ValueError):
        file_key("../" + "a" * 61)


def test_the_session_key_is_created_once_and_an_old_install_keeps_its_own(instances):
    old = instances.new("old")
    old.migrate()
    (old.directory / "secret_key").write_text("the-key-of-an-old-install\n")
    with old.app.app_context():
        assert shared_secret("secret_key", old.directory / "secret_key") == "the-key-of-an-old-install"
        assert shared_secret("secret_key", old.directory / "missing") == "the-key-of-an-old-install"
        assert db.session.execute(select(func.count()).select_from(AppSecret)).scalar_one() == 1
        db.session.remove()

    fresh = instances.new("fresh")
    fresh.migrate()
    with fresh.app.app_context():
        key = shared_secret("secret_key", fresh.directory / "secret_key")
        assert len(key) == 64 and not (fresh.directory / "secret_key").exists()
        db.session.remove()
    from app import create_app  # lazy: the suite's factory, with no SECRET_KEY this time

    second = create_app("testing", {"SQLALCHEMY_DATABASE_URI": fresh.url, "SECRET_KEY": None,
                                    "INSTANCE_DIR": str(instances.root / "elsewhere")})
    assert second.config["SECRET_KEY"] == key  # another server, another disk, the same key
    with second.app_context():
        db.engine.dispose()


def test_before_the_schema_exists_the_key_stays_in_a_file(instances):
    empty = instances.new("empty")
    with empty.app.app_context():
        assert shared_secret("secret_key", empty.directory / "secret_key") is None
        db.session.remove()



@pytest.mark.skipif(not on_postgresql(), reason="a SQLite database is a file the app creates: it is never down at start")
def test_a_server_started_while_the_database_is_down_takes_the_shared_key_once_it_answers(instances):
    from app import create_app  # lazy: the suite's factory, with no SECRET_KEY this time

    later = instances.new("later")
    database = make_url(later.url).database + "_late"  # made only after the server started
    url = make_url(later.url).set(database=database).render_as_string(hide_password=False)
    down = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": None,
                                  "INSTANCE_DIR": str(instances.root / "server")})
    assert down.config["SECRET_KEY"] is None  # started anyway, without a key of its own
    assert not (instances.root / "server" / "secret_key").exists()
    down.test_client().get("/login")  # a request while the database is down: still no key of its own
    assert down.config["SECRET_KEY"] is None

    admin = create_engine(make_url(later.url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    instances.databases.append(database)
    other = Instance("other", instances.root / "other", url, {"SECRET_KEY": None})
    (instances.root / "other").mkdir()
    instances.made.append(other)
    other.migrate()
    with other.app.app_context():  # another server, up already, made the key
        key = shared_secret("secret_key", instances.root / "other" / "no-file")
        db.session.remove()
    with down.app_context():
        db.engine.dispose()
    client = down.test_client()
    assert client.get("/login").status_code == 200
    assert down.config["SECRET_KEY"] == key
    assert not (instances.root / "server" / "secret_key").exists()


def test_an_unknown_backend_is_refused_at_start(tmp_path):
    from app import create_app  # lazy: the suite's factory with a wrong setting

    with pytest.raises(RuntimeError, match="STORAGE_BACKEND='s3'"):
        create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "INSTANCE_DIR": str(tmp_path), "STORAGE_BACKEND": "s3"})
