"""Throwaway test databases: a temp SQLite file, or ``chainmap_test_<random>`` on PostgreSQL.

The PostgreSQL server is shared (CI runs on the developer's machine as it was left), so tests
never assume it is empty: they create their own database and drop it afterwards.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

PG_ENV = "CHAINMAP_TEST_DATABASE_URL"


def pg_admin_url() -> URL | None:
    raw = os.environ.get(PG_ENV)
    return make_url(raw) if raw else None


def create_pg_database(admin: URL, prefix: str = "chainmap_test") -> str:
    """Create a fresh database next to ``admin``'s and return its URL."""
    name = f"{prefix}_{secrets.token_hex(6)}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return admin.set(database=name).render_as_string(hide_password=False)


def drop_pg_database(admin: URL, url: str) -> None:
    name = make_url(url).database
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"
