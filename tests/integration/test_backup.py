"""Backup and restore through the CLI, on real databases: SQLite always, PostgreSQL and
SQLite → PostgreSQL when CHAINMAP_TEST_DATABASE_URL is set."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import MetaData, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from chainmap.cli import app
from chainmap.settings import get_settings
from chainmap.store import db
from chainmap.store.models import EnterpriseRow
from tests import dbutil
from tests.conftest import CHAINS_DIR

runner = CliRunner()


def cli(url: str, *args: str) -> Result:
    get_settings.cache_clear()
    try:
        return runner.invoke(
            app,
            list(args),
            env={"CHAINMAP_DATABASE_URL": url, "CHAINMAP_CHAINS_DIR": str(CHAINS_DIR)},
        )
    finally:
        get_settings.cache_clear()


class Databases:
    """Fresh, unmigrated databases on a backend, dropped at the end."""

    def __init__(self, backend: str, tmp: Path) -> None:
        self.backend, self.tmp = backend, tmp
        self.made: list[str] = []

    def new(self) -> str:
        if self.backend == "sqlite":
            url = dbutil.sqlite_url(self.tmp / f"db{len(self.made)}.db")
        else:
            admin = dbutil.pg_admin_url()
            assert admin is not None
            url = dbutil.create_pg_database(admin)
        self.made.append(url)
        return url

    def drop(self) -> None:
        admin = dbutil.pg_admin_url()
        for url in self.made:
            if url.startswith("postgresql") and admin is not None:
                dbutil.drop_pg_database(admin, url)


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if dbutil.pg_admin_url() else ["sqlite"]


@pytest.fixture(scope="module", params=_backends())
def dbs(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Databases]:
    made = Databases(request.param, tmp_path_factory.mktemp("backup"))
    yield made
    made.drop()


@pytest.fixture(scope="module")
def source(dbs: Databases) -> str:
    """A database holding the demo city: enterprises, assignments, leads with histories …"""
    url = dbs.new()
    assert cli(url, "db", "upgrade").exit_code == 0
    loaded = cli(url, "demo", "load")
    assert loaded.exit_code == 0, loaded.output
    return url


def _utc(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    return value


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows in primary-key order, datetimes as aware UTC."""
    engine = db.make_engine(url)
    try:
        meta = MetaData()
        with engine.connect() as conn:
            meta.reflect(bind=conn)
            return {
                t.name: [
                    tuple(_utc(v) for v in row)
                    for row in conn.execute(select(t).order_by(*t.primary_key.columns))
                ]
                for t in meta.sorted_tables
                if t.name != "alembic_version"
            }
    finally:
        engine.dispose()


def test_round_trip_restores_every_row_and_new_ids_follow(
    dbs: Databases, source: str, tmp_path: Path
) -> None:
    file = tmp_path / "chainmap-backup.zip"
    made = cli(source, "backup", str(file))
    assert made.exit_code == 0, made.output
    assert "已备份" in made.output
    before = snapshot(source)
    assert before["enterprises"] and before["stage_changes"] and before["leads"]

    target = dbs.new()  # not even migrated: restore migrates it
    restored = cli(target, "restore", str(file))
    assert restored.exit_code == 0, restored.output
    assert snapshot(target) == before

    engine = db.make_engine(target)
    try:
        assert db.current_revision(engine) == db.head_revision()
        with Session(engine) as session, session.begin():
            row = EnterpriseRow(name="恢复后新建有限公司", name_normalized="恢复后新建")
            session.add(row)
            session.flush()  # on PostgreSQL the id sequence was moved past the copied ids
            top = session.scalar(select(func.max(EnterpriseRow.id)))
            assert row.id == top and row.id > max(r[0] for r in before["enterprises"])
    finally:
        engine.dispose()


def test_restore_refuses_a_database_with_data_and_leaves_it_alone(
    source: str, tmp_path: Path
) -> None:
    file = tmp_path / "b.zip"
    assert cli(source, "backup", str(file)).exit_code == 0
    before = snapshot(source)
    result = cli(source, "restore", str(file))
    assert result.exit_code == 1
    assert "已有数据" in result.output and "already holds data" in result.output
    assert "enterprises" in result.output
    assert snapshot(source) == before


def test_an_incomplete_backup_writes_nothing(dbs: Databases, source: str, tmp_path: Path) -> None:
    good, bad = tmp_path / "good.zip", tmp_path / "bad.zip"
    assert cli(source, "backup", str(good)).exit_code == 0
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "tables/stage_changes.jsonl":
                data = b"\n".join(data.splitlines()[:-1]) + b"\n"  # the last change lost
            zout.writestr(item, data)
    target = dbs.new()
    result = cli(target, "restore", str(bad))
    assert result.exit_code == 1
    assert "不完整" in result.output and "stage_changes" in result.output
    assert all(rows == [] for rows in snapshot(target).values())  # one transaction


def test_not_a_backup_and_unmigrated_source_are_refused(dbs: Databases, tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 this is not a zip")
    target = dbs.new()
    result = cli(target, "restore", str(junk))
    assert result.exit_code == 1 and "不是 chainmap 备份文件" in result.output

    foreign = tmp_path / "foreign.zip"
    with zipfile.ZipFile(foreign, "w") as zf:
        zf.writestr("manifest.json", json.dumps({"format": "other/9"}))
    result = cli(target, "restore", str(foreign))
    assert result.exit_code == 1 and "other/9" in result.output

    empty = dbs.new()
    result = cli(empty, "backup", str(tmp_path / "never.zip"))
    assert result.exit_code == 1 and "chainmap db upgrade" in result.output
    assert not (tmp_path / "never.zip").exists()


@pytest.mark.skipif(dbutil.pg_admin_url() is None, reason="needs CHAINMAP_TEST_DATABASE_URL")
def test_sqlite_backup_restores_into_postgresql(tmp_path: Path) -> None:
    sqlite = Databases("sqlite", tmp_path)
    pg = Databases("postgresql", tmp_path)
    try:
        src = sqlite.new()
        assert cli(src, "db", "upgrade").exit_code == 0
        assert cli(src, "demo", "load").exit_code == 0
        file = tmp_path / "move.zip"
        assert cli(src, "backup", str(file)).exit_code == 0
        dst = pg.new()
        result = cli(dst, "restore", str(file))
        assert result.exit_code == 0, result.output
        assert snapshot(dst) == snapshot(src)
    finally:
        pg.drop()
