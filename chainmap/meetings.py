"""The bimonthly scheduling meeting (双月调度会): one call builds the whole pack from the
stored pipeline; the report package renders it as JSON, xlsx or printable HTML."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy.orm import Session

from chainmap.domain import Chain
from chainmap.pipeline import parse_period
from chainmap.report.pack import FlagThresholds, MeetingPack, build_pack
from chainmap.settings import Settings
from chainmap.store.leads_repo import load_pipeline


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
    leads, changes, arrivals = load_pipeline(session)
    return build_pack(
        leads=leads,
        changes=changes,
        arrivals=arrivals,
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
