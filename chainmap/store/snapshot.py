"""Extra PostgreSQL connections that read exactly what a session's transaction reads.

One PostgreSQL backend runs one query at a time, so a report that needs several big reads
can only spread them over the server's cores on several connections. To stay one consistent
read — every number of the meeting pack from the same state of the pipeline, as one
transaction would give — the session's connection exports its snapshot
(``pg_export_snapshot()``) and each extra connection opens a read-only REPEATABLE READ
transaction on it (``SET TRANSACTION SNAPSHOT``): they see the committed data the session
sees, no more, no less, whatever commits meanwhile.

They cannot see what the session itself has written and not committed, so
:func:`snapshot_readers` gives None when the session's transaction has written anything
(``pg_current_xact_id_if_assigned()``, PostgreSQL 13 and later), and on any other database;
callers then read on the session's own connection.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from sqlalchemy import Connection

_SNAPSHOT_ID = re.compile(r"[0-9A-F]+-[0-9A-F]+(-[0-9A-F]+)?")
"""What ``pg_export_snapshot()`` returns (e.g. ``00000003-0000001B-1``); checked before it
is written into ``SET TRANSACTION SNAPSHOT``, which takes no bind parameter."""


@contextmanager
def snapshot_readers(conn: Connection, n: int) -> Iterator[list[Connection] | None]:
    """``n`` new read-only connections (from ``conn``'s engine pool) whose transactions see
    the same snapshot as ``conn``'s, for use from other threads, one thread per connection;
    None when that cannot be (not PostgreSQL, or ``conn``'s transaction has written).

    ``conn``'s transaction must stay open until the block has started (it does: the caller
    holds it). The readers' transactions are rolled back and the connections returned to the
    pool when the block ends."""
    if conn.dialect.name != "postgresql" or n < 1:
        yield None
        return
    wrote = conn.exec_driver_sql("SELECT pg_current_xact_id_if_assigned() IS NOT NULL").scalar()
    if wrote:
        yield None
        return
    snapshot = str(conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one())
    if not _SNAPSHOT_ID.fullmatch(snapshot):  # pragma: no cover - PostgreSQL's own format
        raise RuntimeError(f"unexpected snapshot id {snapshot!r}")
    with ExitStack() as stack:
        readers: list[Connection] = []
        for _ in range(n):
            reader = stack.enter_context(conn.engine.connect())
            reader = reader.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
            reader.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
            readers.append(reader)
        yield readers
