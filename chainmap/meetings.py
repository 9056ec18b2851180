"""The bimonthly scheduling meeting (双月调度会): one call builds the whole pack from the
stored pipeline; the report package renders it as JSON, xlsx or printable HTML."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date

from sqlalchemy.orm import Session

from chainmap.domain import Chain
from chainmap.pipeline import parse_period
from chainmap.report.pack import (
    FlagThresholds,
    MeetingPack,
    build_pack_from_digests,
    pack_days,
)
from chainmap.settings import Settings
from chainmap.store.leads_repo import load_pack_inputs


def bimonthly_pack(
    session: Session,
    library: Mapping[str, Chain],
    settings: Settings,
    *,
    period: str,
    today: date,
) -> MeetingPack:
    """The pack for the two months named by ``period`` (YYYY-MM, the first month), with flags
    as of ``today``. Raises InvalidPeriod (field ``period``) for anything but YYYY-MM."""
    p = parse_period(period)
    with _cyclic_gc_paused():
        got = load_pack_inputs(session, period=p, days=pack_days(period=p, today=today))
        return build_pack_from_digests(
            leads=got.leads,
            arrivals=got.arrivals,
            digests=got.digests,
            moves=got.moves,
            period=p,
            today=today,
            chain_names={c.id: c.name for c in library.values()},
            thresholds=FlagThresholds(
                signed_not_started_days=settings.flag_signed_not_started_days,
                claimed_idle_days=settings.flag_claim_idle_days,
                started_no_funds_days=settings.flag_started_no_funds_days,
                red_factor=settings.flag_red_factor,
            ),
        )


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the pack is built.

    Loading a million stage changes allocates a million small objects, and each allocation
    burst sets off collector passes over everything already loaded: measured, they cost about
    half of the pack's time (BENCHMARKS.md). The pipeline objects hold no reference cycles,
    so reference counting frees them either way; the collector is restored afterwards (and
    left alone if something else had already disabled it)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
