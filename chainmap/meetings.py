"""The bimonthly scheduling meeting (双月调度会): one call builds the whole pack from the
stored pipeline; the report package renders it as JSON, xlsx or printable HTML."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date

from sqlalchemy.orm import Session

from chainmap.domain import Chain
from chainmap.pipeline import parse_period
from chainmap.report.html import pack_html
from chainmap.report.pack import (
    FlagThresholds,
    MeetingPack,
    build_pack_from_digests,
    pack_days,
)
from chainmap.report.xlsx import DETAILS_MAX_LEADS, pack_xlsx
from chainmap.settings import Settings
from chainmap.store.leads_repo import count_leads_created_by, load_pack_inputs


def bimonthly_pack(
    session: Session,
    library: Mapping[str, Chain],
    settings: Settings,
    *,
    period: str,
    today: date,
    with_moves: bool = True,
) -> MeetingPack:
    """The pack for the two months named by ``period`` (YYYY-MM, the first month), with flags
    as of ``today``. Raises InvalidPeriod (field ``period``) for anything but YYYY-MM.

    Without ``with_moves`` the period's stage changes (actor, note: only the detail views
    show them) are not read and ``pack.moves`` is None — about 0.4 s less for 100,000
    leads."""
    p = parse_period(period)
    with cyclic_gc_paused():
        days = pack_days(period=p, today=today)
        got = load_pack_inputs(session, period=p, days=days, with_moves=with_moves)
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


def bimonthly_xlsx(
    session: Session,
    library: Mapping[str, Chain],
    settings: Settings,
    *,
    period: str,
    today: date,
) -> bytes:
    """The pack as an xlsx workbook (:func:`~chainmap.report.xlsx.pack_xlsx`), with its
    线索明细 sheet when the period counts at most
    :data:`~chainmap.report.xlsx.DETAILS_MAX_LEADS` leads — and only then are the period's
    stage changes read."""
    p = parse_period(period)
    details = count_leads_created_by(session, p.end) <= DETAILS_MAX_LEADS
    with cyclic_gc_paused():
        pack = bimonthly_pack(
            session, library, settings, period=period, today=today, with_moves=details
        )
        return pack_xlsx(pack, details=details)


def bimonthly_html(
    session: Session,
    library: Mapping[str, Chain],
    settings: Settings,
    *,
    period: str,
    today: date,
) -> str:
    """The printable pack (:func:`~chainmap.report.html.pack_html`)."""
    with cyclic_gc_paused():
        pack = bimonthly_pack(
            session, library, settings, period=period, today=today, with_moves=False
        )
        return pack_html(pack)


_gc_lock = threading.Lock()
_gc_pauses = 0  # how many threads are inside cyclic_gc_paused()
_gc_resume = False  # whether the collector was enabled when the first of them came in


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a pack is built and rendered.

    Loading and building allocate millions of small objects, and each allocation burst sets
    off collector passes over everything already alive: measured, they cost about half of
    the pack's time (BENCHMARKS.md), and rendering 25,000 flags right after the build paid
    for full passes over the pack again. The pack holds no reference cycles, so reference
    counting frees it either way. The collector is process-wide and requests run in
    threads: it resumes when the last pause ends, and only if it was running when the
    first began (another owner's ``gc.disable()`` is left alone)."""
    global _gc_pauses, _gc_resume
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_resume = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_resume:
                gc.enable()
