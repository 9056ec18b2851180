"""Freshness: a record not verified for too long is stale and must say so wherever it is shown.

Example::

    >>> from datetime import UTC, datetime
    >>> now = datetime(2026, 11, 23, tzinfo=UTC)
    >>> is_stale(datetime(2025, 1, 1, tzinfo=UTC), now=now, max_age_days=365)
    True
    >>> is_stale(None, now=now, max_age_days=365)
    True
"""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, timezone-aware UTC: the one clock every stored timestamp uses."""
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    # SQLite returns naive datetimes for timezone-aware columns; they were stored as UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def age_days(last_verified: datetime | None, *, now: datetime) -> int | None:
    """Whole days since the last verification, or None when it was never verified."""
    if last_verified is None:
        return None
    return (_aware(now) - _aware(last_verified)).days


def is_stale(last_verified: datetime | None, *, now: datetime, max_age_days: int) -> bool:
    """Never verified, or verified more than ``max_age_days`` ago."""
    age = age_days(last_verified, now=now)
    return age is None or age > max_age_days
