"""Bulk inserts that stay fast at 100,000s of rows on both backends.

PostgreSQL gets ``COPY … FROM STDIN`` through psycopg (no giant multi-row INSERT for the driver
to parse); other databases get an executemany of a Core insert. Runs on the session's
connection, inside its transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import JSON, Table, insert
from sqlalchemy.orm import Session

CHUNK = 1_000


def bulk_insert(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows (dicts keyed by column name); columns missing from a row are NULL."""
    if not rows:
        return
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        _copy(conn.connection.driver_connection, table, rows)
        return
    for i in range(0, len(rows), CHUNK):
        conn.execute(insert(table), list(rows[i : i + CHUNK]))


def _copy(driver: Any, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    present: set[str] = set()
    for row in rows:
        present.update(row)
    columns = [c for c in table.columns if c.name in present]
    names = [c.name for c in columns]
    as_json = [isinstance(c.type, JSON) for c in columns]
    column_list = ", ".join(f'"{n}"' for n in names)
    with (
        driver.cursor() as cur,
        cur.copy(f'COPY "{table.name}" ({column_list}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row(
                [
                    json.dumps(row.get(n), ensure_ascii=False)
                    if j and row.get(n) is not None
                    else row.get(n)
                    for n, j in zip(names, as_json, strict=True)
                ]
            )
