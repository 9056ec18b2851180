"""Shared fixtures. Database tests run once per backend: SQLite always, PostgreSQL when
CHAINMAP_TEST_DATABASE_URL is set (``.ci/run`` sets it). Each test runs inside a transaction
that is rolled back afterwards; the app's own commits become savepoint releases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
from api.auth import get_principal
from api.deps import get_session, get_session_factory
from chainmap.auth.model import Principal, Role
from chainmap.chains import load_chain_library
from chainmap.domain import Chain
from chainmap.settings import Settings
from chainmap.store import audit, db
from tests import dbutil

CHAINS_DIR = Path(__file__).resolve().parents[1] / "data" / "industry_chains"


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if dbutil.pg_admin_url() else ["sqlite"]


@pytest.fixture(scope="session")
def library() -> dict[str, Chain]:
    return load_chain_library(CHAINS_DIR)


@pytest.fixture(scope="session", params=_backends())
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database for the whole session, on each backend."""
    if request.param == "sqlite":
        url = dbutil.sqlite_url(tmp_path_factory.mktemp("db") / "chainmap.db")
        db.upgrade(url)
        yield url
        return
    admin = dbutil.pg_admin_url()
    assert admin is not None
    url = dbutil.create_pg_database(admin)
    try:
        db.upgrade(url)
        yield url
    finally:
        dbutil.drop_pg_database(admin, url)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    kwargs = (
        {"connect_args": {"check_same_thread": False}} if database_url.startswith("sqlite") else {}
    )
    eng = db.make_engine(database_url, **kwargs)
    yield eng
    eng.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    conn = engine.connect()
    trans = conn.begin()
    yield conn
    trans.rollback()
    conn.close()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    return audit.install(
        sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
    )


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    s = session_factory()
    yield s
    s.close()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, chains_dir=CHAINS_DIR, _env_file=None)  # type: ignore[call-arg]


ADMIN = Principal(user_id=0, username="test-admin", role=Role.admin, display_name="测试管理员")


def _app(settings: Settings, session_factory: sessionmaker[Session]) -> FastAPI:
    app = create_app(settings)

    def _session() -> Iterator[Session]:
        with db.session_scope(session_factory) as s:
            yield s

    app.dependency_overrides[get_session] = _session
    app.dependency_overrides[get_session_factory] = lambda: session_factory
    return app


@pytest.fixture
def client(settings: Settings, session_factory: sessionmaker[Session]) -> Iterator[TestClient]:
    """The real ASGI app, its sessions joined to the test's rolled-back transaction, signed in
    as an admin (authorization itself is tested with :func:`auth_client`)."""
    app = _app(settings, session_factory)
    app.dependency_overrides[get_principal] = lambda: ADMIN
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def auth_client(settings: Settings, session_factory: sessionmaker[Session]) -> Iterator[TestClient]:
    """The same app with real authentication: requests need a token or an API key."""
    with TestClient(_app(settings, session_factory), raise_server_exceptions=False) as c:
        yield c
