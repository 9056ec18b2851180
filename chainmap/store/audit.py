"""The audit trail: every write records who, when, which request, which record, before and
after, in the same transaction as the write itself (so a rolled-back write leaves no entry).

:func:`install` hooks a session factory: after each flush, every inserted, changed or deleted
ORM row becomes an ``audit_log`` entry (changed rows list only the columns that changed).
Bulk paths that bypass the ORM (imports, COPY) are covered by the request entry that
:func:`record_request` writes for every write request. Who it was comes from
:func:`set_actor` (the API sets it from the signed-in user, the CLI from the OS user).
The table is append-only: database triggers refuse UPDATE and DELETE (migration 0006).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, sessionmaker

from chainmap.freshness import utcnow
from chainmap.store.models import AuditRow

REDACTED = "***"
_SECRET_COLUMNS = frozenset({"password_hash", "digest"})
_SKIP_TABLES = frozenset({"audit_log"})
_INFO_KEY = "chainmap.audit"
_REQUEST_KEY = "chainmap.audit.request"


def set_actor(
    session: Session, actor: str, *, user_id: int | None = None, request: str = ""
) -> None:
    """Name who is writing through ``session`` (and the request, e.g. ``POST /leads``)."""
    session.info[_INFO_KEY] = {"actor": actor, "user_id": user_id, "request": request}


def _who(session: Session) -> dict[str, Any]:
    return session.info.get(_INFO_KEY) or {"actor": "system", "user_id": None, "request": ""}


def record_request(session: Session, *, summary: dict[str, Any] | None = None) -> None:
    """One entry for the request itself (what the row entries cannot show: bulk imports),
    written when the session commits: a failed request leaves none, and the entry takes no
    lock before the request's own first write (SQLite serialises writers)."""
    session.info[_REQUEST_KEY] = summary


def _before_commit(session: Session) -> None:
    if _REQUEST_KEY not in session.info:
        return
    summary = session.info.pop(_REQUEST_KEY)
    entry = _entry(_who(session), utcnow(), "request", "", None, None, summary)
    session.connection().execute(insert(AuditRow), [entry])


def install(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    """Audit every flush of sessions made by ``factory``; returns it for chaining."""
    if not event.contains(factory, "after_flush", _after_flush):
        event.listen(factory, "after_flush", _after_flush)
        event.listen(factory, "before_commit", _before_commit)
        event.listen(factory, "after_rollback", _forget_request)
    return factory


def _forget_request(session: Session) -> None:
    session.info.pop(_REQUEST_KEY, None)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def _shown(column: str, value: Any) -> Any:
    return REDACTED if column in _SECRET_COLUMNS and value is not None else _jsonable(value)


def _columns(obj: Any) -> dict[str, Any]:
    state = inspect(obj)
    out: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in state.dict:  # loaded (an unloaded column is not guessed at)
            out[attr.columns[0].name] = _shown(attr.columns[0].name, state.dict[attr.key])
    return out


def _changes(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        hist = state.attrs[attr.key].history
        if not hist.has_changes():
            continue
        name = attr.columns[0].name
        old = hist.deleted[0] if hist.deleted else None
        new = hist.added[0] if hist.added else None
        if old == new:
            continue
        before[name], after[name] = _shown(name, old), _shown(name, new)
    return before, after


def _record_id(obj: Any) -> str | None:
    """The primary key as text (an inserted row has its generated id by after_flush)."""
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    if not key or any(part is None for part in key):
        return None
    return "/".join(str(part) for part in key)


def _entry(
    who: dict[str, Any],
    at: datetime,
    action: str,
    table: str,
    record_id: str | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> dict[str, Any]:
    """One ``audit_log`` row."""
    return {
        "at": at,
        "actor": who["actor"],
        "user_id": who["user_id"],
        "request": who["request"][:300],
        "action": action,
        "table_name": table,
        "record_id": record_id,
        "before": before,
        "after": after,
    }


def _after_flush(session: Session, _context: Any) -> None:
    who, at, rows = _who(session), utcnow(), []
    batches = (("insert", session.new), ("update", session.dirty), ("delete", session.deleted))
    for action, objects in batches:
        for obj in objects:
            table = inspect(obj).mapper.local_table
            name = getattr(table, "name", "")
            if name in _SKIP_TABLES:
                continue
            if action == "insert":
                before, after = None, _columns(obj)
            elif action == "delete":
                before, after = _columns(obj), None
            else:
                if not session.is_modified(obj, include_collections=False):
                    continue
                changed_before, changed_after = _changes(obj)
                if not changed_after and not changed_before:
                    continue
                before, after = changed_before, changed_after
            rows.append(_entry(who, at, action, name, _record_id(obj), before, after))
    if rows:
        session.connection().execute(insert(AuditRow), rows)
