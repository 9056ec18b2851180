"""Backup and restore of the whole database, portable between SQLite and PostgreSQL.

A backup is a zip file: ``manifest.json`` (format, Alembic revision, when, from which
backend, each table's columns and row count) and ``tables/<name>.jsonl``, one JSON array of
column values per row. Dates and times are ISO 8601 text, JSON columns stay JSON. Tables
are read from the database itself (not from the ORM models), in one consistent snapshot.

Restore refuses a database holding any data; it migrates an empty one to the backup's
revision, loads every table in foreign-key order in one transaction, resets PostgreSQL's id
sequences and migrates on to head. A failure leaves the target as it was before the load.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    DateTime,
    Engine,
    MetaData,
    Table,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.orm import Session

from chainmap.errors import ChainmapError
from chainmap.freshness import utcnow
from chainmap.store import db
from chainmap.store.bulk import bulk_insert

FORMAT = "chainmap-backup/1"
CHUNK = 5_000
_SKIP = {"alembic_version"}

Progress = Callable[[str, int], None]
"""Called with a table name and how many of its rows were written or read so far."""


class BackupError(ChainmapError):
    code = "backup_invalid"


@dataclass(frozen=True, slots=True)
class TableSummary:
    name: str
    rows: int


@dataclass(frozen=True, slots=True)
class BackupSummary:
    revision: str | None
    created_at: str
    backend: str
    tables: tuple[TableSummary, ...]

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables)


def _tables(conn: Connection) -> list[Table]:
    """Every table of the database except Alembic's, parents before children."""
    meta = MetaData()
    meta.reflect(bind=conn)
    return [t for t in meta.sorted_tables if t.name not in _SKIP]


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:  # SQLite hands timezone-aware columns back naive (UTC)
            value = value.replace(tzinfo=UTC)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def backup(engine: Engine, path: Path, *, progress: Progress | None = None) -> BackupSummary:
    """Write the whole database to ``path`` (a zip file), from one consistent snapshot."""
    revision = db.current_revision(engine)
    if revision is None:
        raise BackupError(
            "数据库尚未迁移，没有可备份的内容（先运行 chainmap db upgrade）",
            "the database is not migrated; there is nothing to back up "
            "(run chainmap db upgrade first)",
            field="database",
        )
    backend = engine.dialect.name
    options = {"isolation_level": "REPEATABLE READ"} if backend == "postgresql" else {}
    tmp = path.with_name(path.name + ".partial")
    summaries: list[TableSummary] = []
    columns: dict[str, list[str]] = {}
    try:
        with (
            engine.connect().execution_options(**options) as conn,
            conn.begin(),
            zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf,
        ):
            for table in _tables(conn):
                names = [c.name for c in table.columns]
                columns[table.name] = names
                n = 0
                with zf.open(f"tables/{table.name}.jsonl", "w") as raw:
                    out = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
                    order = list(table.primary_key.columns) or list(table.columns)
                    result = conn.execution_options(yield_per=CHUNK).execute(
                        select(table).order_by(*order)
                    )
                    for row in result:
                        out.write(json.dumps([_encode(v) for v in row], ensure_ascii=False))
                        out.write("\n")
                        n += 1
                        if progress and n % CHUNK == 0:
                            progress(table.name, n)
                    out.flush()
                    out.detach()
                if progress:
                    progress(table.name, n)
                summaries.append(TableSummary(table.name, n))
            summary = BackupSummary(revision, utcnow().isoformat(), backend, tuple(summaries))
            manifest = {
                "format": FORMAT,
                "revision": revision,
                "created_at": summary.created_at,
                "backend": backend,
                "tables": [
                    {"name": t.name, "rows": t.rows, "columns": columns[t.name]} for t in summaries
                ],
            }
            zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return summary


def read_manifest(path: Path) -> dict[str, Any]:
    """The backup's manifest; BackupError naming the file if it is not a chainmap backup."""
    try:
        with zipfile.ZipFile(path) as zf:
            manifest: dict[str, Any] = json.loads(zf.read("manifest.json"))
    except (OSError, KeyError, zipfile.BadZipFile, json.JSONDecodeError, UnicodeDecodeError):
        raise BackupError(
            f"{path.name} 不是 chainmap 备份文件（缺少或无法读取 manifest.json）",
            f"{path.name} is not a chainmap backup (manifest.json missing or unreadable)",
            field="file",
        ) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"{path.name} 的备份格式「{manifest.get('format')}」无法识别（应为 {FORMAT}）",
            f"{path.name} has backup format {manifest.get('format')!r}, expected {FORMAT}",
            field="file",
        )
    return manifest


def _non_empty_tables(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [
            t.name
            for t in _tables(conn)
            if conn.execute(select(func.count()).select_from(t)).scalar_one()
        ]


def restore(url: str, path: Path, *, progress: Progress | None = None) -> BackupSummary:
    """Load the backup at ``path`` into the empty database at ``url`` and migrate to head.

    Raises:
        BackupError: not a backup, a revision this chainmap does not know, or a target that
            already holds data (its tables are named).
    """
    manifest = read_manifest(path)
    revision = manifest.get("revision")
    engine = db.make_engine(url)
    try:
        known = db.known_revisions()
        if revision not in known:
            raise BackupError(
                f"备份来自数据库版本 {revision}，本程序不认识该版本（请用更新的 chainmap 恢复）",
                f"the backup is at revision {revision}, unknown to this chainmap "
                "(restore it with a newer chainmap)",
                field="revision",
            )
        current = db.current_revision(engine)
        if current is not None:
            full = _non_empty_tables(engine)
            if full:
                raise BackupError(
                    "目标数据库已有数据，恢复只写入空库："
                    + "、".join(full[:8])
                    + ("…" if len(full) > 8 else ""),
                    "the target database already holds data; restore only writes into an "
                    f"empty database (tables with rows: {', '.join(full[:8])})",
                    field="database",
                )
            if known.index(current) > known.index(revision):
                raise BackupError(
                    f"目标数据库（版本 {current}）比备份（版本 {revision}）新：请恢复到新建的空库",
                    f"the target database (revision {current}) is newer than the backup "
                    f"({revision}); restore into a new, empty database",
                    field="database",
                )
        db.upgrade(url, revision)
        with (
            zipfile.ZipFile(path) as zf,
            Session(engine) as session,
            session.begin(),
        ):
            conn = session.connection()
            by_name = {t.name: t for t in _tables(conn)}
            summaries = []
            entries = {t["name"]: t for t in manifest["tables"]}
            for name, table in by_name.items():
                entry = entries.get(name)
                if entry is None:
                    summaries.append(TableSummary(name, 0))
                    continue
                n = 0
                for chunk in _read_rows(zf, table, entry["columns"]):
                    bulk_insert(session, table, chunk)
                    n += len(chunk)
                    if progress:
                        progress(name, n)
                if n != entry["rows"]:
                    raise BackupError(
                        f"备份文件不完整：表 {name} 应有 {entry['rows']} 行，读到 {n} 行",
                        f"the backup is incomplete: table {name} should have "
                        f"{entry['rows']} rows, {n} were read",
                        field="file",
                    )
                summaries.append(TableSummary(name, n))
            unknown = sorted(set(entries) - set(by_name))
            if unknown:
                raise BackupError(
                    f"备份含有本版本数据库没有的表：{'、'.join(unknown)}",
                    f"the backup holds tables this revision does not have: {', '.join(unknown)}",
                    field="file",
                )
            if conn.dialect.name == "postgresql":
                _reset_sequences(conn, list(by_name.values()))
        db.upgrade(url, "head")
    finally:
        engine.dispose()
    return BackupSummary(
        revision, str(manifest.get("created_at")), str(manifest.get("backend")), tuple(summaries)
    )


def _read_rows(
    zf: zipfile.ZipFile, table: Table, names: list[str]
) -> Iterator[list[dict[str, Any]]]:
    present = set(table.columns.keys())
    missing = [n for n in names if n not in present]
    if missing:
        raise BackupError(
            f"备份中表 {table.name} 的列 {'、'.join(missing)} 在目标数据库中不存在",
            f"table {table.name} in the backup has columns the target lacks: {', '.join(missing)}",
            field="file",
        )
    decoders = [_decoder(table.columns[n].type) for n in names]
    chunk: list[dict[str, Any]] = []
    try:
        raw = zf.open(f"tables/{table.name}.jsonl")
    except KeyError:
        raise BackupError(
            f"备份文件缺少表 {table.name} 的数据",
            f"the backup has no data file for table {table.name}",
            field="file",
        ) from None
    with raw, io.TextIOWrapper(raw, encoding="utf-8") as lines:
        for line in lines:
            values = json.loads(line)
            chunk.append(
                {
                    n: (d(v) if d is not None and v is not None else v)
                    for n, d, v in zip(names, decoders, values, strict=True)
                }
            )
            if len(chunk) >= CHUNK:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _decoder(kind: Any) -> Callable[[Any], Any] | None:
    """Text back to a date or an aware UTC datetime; other values are JSON already."""
    if isinstance(kind, DateTime):
        return _utc_datetime
    if isinstance(kind, Date):
        return date.fromisoformat
    return None


def _utc_datetime(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


def _reset_sequences(conn: Connection, tables: list[Table]) -> None:
    """After explicit ids were copied in, make the next generated id follow the largest."""
    insp = inspect(conn)
    for table in tables:
        for column in insp.get_columns(table.name):
            default = str(column.get("default") or "")
            if not default.startswith("nextval("):
                continue
            name = column["name"]
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence(:t, :c), "
                    f'COALESCE((SELECT MAX("{name}") FROM "{table.name}"), 0) + 1, false)'
                ),
                {"t": table.name, "c": name},
            )
