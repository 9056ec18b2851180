"""Migrations from empty on each backend, and refusal to run on an unmigrated database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text

from api.app import create_app
from chainmap.errors import DatabaseNotMigrated
from chainmap.settings import Settings
from chainmap.store import db
from tests import dbutil
from tests.conftest import CHAINS_DIR, _backends

TABLES = {
    "enterprise_relations",
    "enterprise_metrics",
    "parks",
    "factories",
    "land_parcels",
    "carrier_reservations",
    "reservation_events",
    "leads",
    "stage_changes",
    "funds_arrivals",
    "lead_collaborators",
    "enterprises",
    "segment_assignments",
    "status_overrides",
    "enterprise_aliases",
    "enterprise_merges",
    "import_runs",
}


@pytest.fixture(params=_backends())
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield dbutil.sqlite_url(tmp_path / "empty.db")
        return
    admin = dbutil.pg_admin_url()
    assert admin is not None
    url = dbutil.create_pg_database(admin, prefix="chainmap_test_mig")
    try:
        yield url
    finally:
        dbutil.drop_pg_database(admin, url)


def _tables(url: str) -> set[str]:
    engine = db.make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_from_empty_then_down_and_up_again(empty_url: str) -> None:
    db.upgrade(empty_url)
    assert _tables(empty_url) >= TABLES
    engine = db.make_engine(empty_url)
    try:
        assert db.current_revision(engine) == db.head_revision()
        db.ensure_migrated(engine)
    finally:
        engine.dispose()
    db.downgrade(empty_url, "base")
    assert not (TABLES & _tables(empty_url))
    db.upgrade(empty_url)
    assert _tables(empty_url) >= TABLES


def test_app_refuses_to_start_on_unmigrated_database(empty_url: str) -> None:
    app = create_app(Settings(database_url=empty_url, chains_dir=CHAINS_DIR, _env_file=None))  # type: ignore[call-arg]
    with pytest.raises(DatabaseNotMigrated) as info, TestClient(app):
        pass
    assert "chainmap db upgrade" in info.value.message_zh
    assert "chainmap db upgrade" in info.value.message_en


def test_registry_migration_fills_match_keys_of_existing_enterprises(empty_url: str) -> None:
    db.upgrade(empty_url, "0001")
    engine = db.make_engine(empty_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO enterprises (name, name_normalized, listed, tags, business_scope,"
                    " main_products, source, created_at, updated_at) VALUES (:n, :n, false, '[]',"
                    " '', '[]', 'test', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"n": "深圳市星源材质科技股份有限公司"},
            )
        db.upgrade(empty_url)
        with engine.connect() as conn:
            key = conn.execute(text("SELECT match_key FROM enterprises")).scalar_one()
    finally:
        engine.dispose()
    assert key and "有限公司" not in key and "深圳" not in key
