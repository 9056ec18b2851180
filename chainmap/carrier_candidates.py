"""Reverse matching for one carrier: which enterprises and open leads fit this empty building or
parcel best. The candidate universe — every non-local enterprise with a segment, and every open
lead — is turned into :class:`~chainmap.carriers.CandidateArrays` once per process and kept
until the registry, the assignments, the leads or the status overrides change (a cheap
fingerprint query per use, as :class:`chainmap.enterprises.ResolverCache` does).

Each candidate stands for one (enterprise, segment): an open lead's own segment, else the
enterprise's most confident assignment. ``fills_gap`` is whether that segment is a gap (missing
or weak) of its chain today. Its space need is estimated from the segment's typical footprint
scaled by the enterprise's size (:func:`chainmap.carriers.estimate_need`).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chainmap.carriers import (
    CARRIER_STATUS_LABELS,
    CandidateArrays,
    CarrierStatus,
    Factory,
    LandParcel,
    SpaceNeed,
    candidate_arrays,
    carrier_header,
    estimate_need,
    is_stale,
    rank_candidates_for_factory,
    rank_candidates_for_parcel,
    stale_note,
)
from chainmap.domain import Chain, Enterprise
from chainmap.services import chain_state
from chainmap.settings import Settings
from chainmap.store.models import (
    EnterpriseRow,
    LeadRow,
    SegmentAssignmentRow,
    StatusOverrideRow,
)
from chainmap.store.repo import to_enterprise
from chainmap.strength import strength_value

OPEN_STAGES = ("clue", "contact", "negotiation", "signed")
"""A lead still looking for a place to land (before 供地)."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """Who one array index stands for."""

    enterprise_id: int
    enterprise_name: str
    chain_id: str
    segment_id: str
    need: SpaceNeed
    lead_id: int | None = None
    owner_team: str | None = None
    stage: str | None = None


@dataclass(frozen=True, slots=True)
class CandidateUniverse:
    arrays: CandidateArrays
    candidates: list[Candidate]
    segment_names: list[str]
    segment_keywords: list[tuple[str, ...]]


def build_universe(
    session: Session, library: Mapping[str, Chain], settings: Settings
) -> CandidateUniverse:
    """Every non-local enterprise with a segment, and every open lead, as candidate arrays."""
    codes: dict[tuple[str, str], int] = {}
    names: list[str] = []
    keywords: list[tuple[str, ...]] = []
    for chain in sorted(library.values(), key=lambda c: c.id):
        for seg in chain.segments:
            codes[(chain.id, seg.id)] = len(names)
            names.append(seg.name)
            keywords.append(tuple(seg.keywords))
    gaps: set[tuple[str, str]] = set()
    best: dict[int, tuple[float, str, str]] = {}  # enterprise → (confidence, chain, segment)
    enterprises: dict[int, Enterprise] = {}
    for chain in sorted(library.values(), key=lambda c: c.id):
        state = chain_state(session, chain, settings)
        gaps.update((chain.id, g.segment_id) for g in state.gaps)
        for a in state.assignments:
            if (
                a.enterprise_id in state.local_ids
                or a.confidence < settings.classify_min_confidence
            ):
                continue
            key = (a.confidence, chain.id, a.segment_id)
            current = best.get(a.enterprise_id)
            if current is None or (-key[0], key[1], key[2]) < (-current[0], current[1], current[2]):
                best[a.enterprise_id] = key
                enterprises[a.enterprise_id] = state.enterprises[a.enterprise_id]
    leads = session.execute(
        select(LeadRow.id, LeadRow.enterprise_id, LeadRow.chain_id, LeadRow.segment_id)
        .add_columns(LeadRow.owner_team, LeadRow.stage)
        .where(LeadRow.stage.in_(OPEN_STAGES))
        .order_by(LeadRow.id)
    ).all()
    missing = {lead.enterprise_id for lead in leads} - set(enterprises)
    for row in session.scalars(select(EnterpriseRow).where(EnterpriseRow.id.in_(missing))):
        enterprises[row.id] = to_enterprise(row)
    lead_of = {
        lead.enterprise_id: lead for lead in leads if (lead.chain_id, lead.segment_id) in codes
    }

    candidates: list[Candidate] = []
    for eid in sorted(set(best) | set(lead_of)):
        e = enterprises[eid]
        lead = lead_of.get(eid)
        chain_id, segment_id = (
            (lead.chain_id, lead.segment_id) if lead is not None else best[eid][1:]
        )
        segment = library[chain_id].segment(segment_id)
        need = estimate_need(
            segment_footprint=segment.footprint, revenue_wan=e.revenue_wan, employees=e.employees
        )
        candidates.append(
            Candidate(
                enterprise_id=eid,
                enterprise_name=e.name,
                chain_id=chain_id,
                segment_id=segment_id,
                need=need,
                lead_id=lead.id if lead is not None else None,
                owner_team=lead.owner_team if lead is not None else None,
                stage=lead.stage if lead is not None else None,
            )
        )
    arrays = candidate_arrays(
        [c.need for c in candidates],
        [codes[(c.chain_id, c.segment_id)] for c in candidates],
        [(c.chain_id, c.segment_id) in gaps for c in candidates],
        [strength_value(enterprises[c.enterprise_id]) for c in candidates],
    )
    return CandidateUniverse(arrays, candidates, names, keywords)


class CandidateCache:
    """The candidate universe, rebuilt only when the data it is built from changed.

    One per process (the app holds one in ``app.state.carrier_candidates``).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fingerprint: tuple[Any, ...] | None = None
        self._universe: CandidateUniverse | None = None
        self.builds = 0

    @staticmethod
    def fingerprint(session: Session) -> tuple[Any, ...]:
        e = session.execute(
            select(func.count(), func.max(EnterpriseRow.id), func.max(EnterpriseRow.updated_at))
        ).one()
        a = session.execute(select(func.count(), func.max(SegmentAssignmentRow.id))).one()
        ld = session.execute(
            select(func.count(), func.max(LeadRow.id), func.max(LeadRow.updated_at))
        ).one()
        o = session.execute(select(func.count(), func.max(StatusOverrideRow.id))).one()
        return (*e, *a, *ld, *o)

    def get(
        self, session: Session, library: Mapping[str, Chain], settings: Settings
    ) -> CandidateUniverse:
        fp = self.fingerprint(session)
        with self._lock:
            if self._universe is None or fp != self._fingerprint:
                self._universe = build_universe(session, library, settings)
                self._fingerprint = fp
                self.builds += 1
            return self._universe


def candidates_for(
    session: Session,
    cache: CandidateCache,
    carrier: Factory | LandParcel,
    *,
    library: Mapping[str, Chain],
    settings: Settings,
    today: date,
    top: int = 20,
) -> dict[str, Any]:
    """The best-fitting candidates for ``carrier``, each with its reason, as plain data.

    A stale, reserved or occupied carrier is still answered (the bureau may plan ahead), but
    ``available`` is false and ``note`` — and every reason — says why.
    """
    universe = cache.get(session, library, settings)
    days = settings.carrier_stale_after_days
    common = {
        "segment_names": universe.segment_names,
        "segment_keywords": universe.segment_keywords,
        "today": today,
        "stale_after_days": days,
        "top": top,
    }
    if isinstance(carrier, Factory):
        ranked = rank_candidates_for_factory(carrier, universe.arrays, **common)  # type: ignore[arg-type]
    else:
        ranked = rank_candidates_for_parcel(carrier, universe.arrays, **common)  # type: ignore[arg-type]
    stale = is_stale(carrier, today=today, stale_after_days=days)
    notes = []
    if carrier.status is not CarrierStatus.vacant:
        notes.append(f"该载体{CARRIER_STATUS_LABELS[carrier.status]}，目前不可供")
    if stale:
        notes.append(stale_note(carrier, stale_after_days=days) + "，核实前不作为可用载体推荐")
    items = []
    for rank, m in enumerate(ranked, start=1):
        c = universe.candidates[m.candidate]
        items.append(
            {
                "rank": rank,
                "kind": "lead" if c.lead_id is not None else "enterprise",
                "enterprise_id": c.enterprise_id,
                "enterprise_name": c.enterprise_name,
                "lead_id": c.lead_id,
                "owner_team": c.owner_team,
                "stage": c.stage,
                "chain_id": c.chain_id,
                "segment_id": c.segment_id,
                "fills_gap": bool(universe.arrays.fills_gap[m.candidate]),
                "score": round(m.score, 4),
                "reason": m.reason,
                "need": {
                    "kind": c.need.kind,
                    "factory_m2": c.need.factory_m2,
                    "land_mu": c.need.land_mu,
                    "estimated": c.need.estimated,
                    "basis": c.need.basis,
                },
            }
        )
    return {
        "header": carrier_header(carrier),
        "available": not notes,
        "stale": stale,
        "note": "；".join(notes) or None,
        "candidates_considered": len(universe.candidates),
        "items": items,
    }
