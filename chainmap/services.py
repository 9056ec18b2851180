"""Use cases: store → core → results. Shared by the CLI and the API.

Services receive an open Session and never commit: the caller's transaction (one per
request or command) does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from chainmap.domain import (
    Assignment,
    Chain,
    Enterprise,
    Gap,
    Override,
    SegmentPresence,
    Status,
    Target,
)
from chainmap.errors import ChainmapError
from chainmap.gaps import find_gaps, local_presence
from chainmap.matching.classify import classify_all
from chainmap.matching.score import rank_targets
from chainmap.settings import Settings
from chainmap.store import repo

T = TypeVar("T")


class InvalidInput(ChainmapError):
    code = "invalid_input"


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class ChainState:
    """A chain as the city stands now: presence per segment, gaps, and who is where."""

    chain: Chain
    presence: dict[str, SegmentPresence]
    gaps: list[Gap]
    enterprises: dict[int, Enterprise]
    assignments: list[Assignment]
    local_ids: frozenset[int]


def chain_state(session: Session, chain: Chain, settings: Settings) -> ChainState:
    """Load the chain's members, derive local presence (with overrides) and the gaps."""
    members, assignments = repo.chain_members(session, chain.id)
    jurisdiction = settings.jurisdiction
    enterprises = {e.id: e for e in members}
    local = {e.id: e for e in members if jurisdiction.contains(e.province, e.city, e.district)}
    presence = local_presence(
        chain,
        assignments,
        local,
        thresholds=settings.thresholds,
        overrides=repo.current_overrides(session, chain.id),
    )
    return ChainState(
        chain=chain,
        presence=presence,
        gaps=find_gaps(chain, presence),
        enterprises=enterprises,
        assignments=assignments,
        local_ids=frozenset(local),
    )


def ranked_targets(
    session: Session,
    chain: Chain,
    settings: Settings,
    *,
    segment_id: str | None = None,
    canonical: Mapping[int, int] | None = None,
) -> tuple[ChainState, list[Target]]:
    """All targets for the chain's gaps (or one gap segment), best first.

    ``canonical`` maps records of one duplicate cluster to one id; only the best-ranked
    record of a cluster is listed, so the same company never appears twice.
    """
    if segment_id is not None:
        chain.segment(segment_id)  # raises SegmentNotFound naming it
    state = chain_state(session, chain, settings)
    candidates = [e for i, e in state.enterprises.items() if i not in state.local_ids]
    targets = rank_targets(
        chain=chain,
        gaps=state.gaps,
        candidates=candidates,
        assignments=state.assignments,
        segment_id=segment_id,
        min_confidence=settings.classify_min_confidence,
    )
    return state, collapse_duplicates(targets, canonical or {})


def collapse_duplicates(targets: list[Target], canonical: Mapping[int, int]) -> list[Target]:
    """Keep the first (best) target of each duplicate cluster."""
    seen: set[int] = set()
    out: list[Target] = []
    for t in targets:
        key = canonical.get(t.enterprise.id, t.enterprise.id)
        if key not in seen:
            seen.add(key)
            out.append(t)
    return out


def targets_page(
    session: Session,
    chain: Chain,
    settings: Settings,
    *,
    segment_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
    canonical: Mapping[int, int] | None = None,
) -> Page[Target]:
    if limit < 1 or limit > settings.targets_max_page_size:
        raise InvalidInput(
            f"limit 须在 1 到 {settings.targets_max_page_size} 之间",
            f"limit must be between 1 and {settings.targets_max_page_size}",
            field="limit",
        )
    if offset < 0:
        raise InvalidInput("offset 不能为负数", "offset must not be negative", field="offset")
    _, targets = ranked_targets(
        session, chain, settings, segment_id=segment_id, canonical=canonical
    )
    return Page(
        items=targets[offset : offset + limit], total=len(targets), limit=limit, offset=offset
    )


def override_status(
    session: Session,
    chain: Chain,
    segment_id: str,
    *,
    status: Status | None,
    reason: str,
    actor: str,
) -> Override | None:
    """Set (or with ``status=None`` withdraw) a chain leader's override; the reason is required."""
    chain.segment(segment_id)
    if not reason.strip():
        raise InvalidInput("必须填写调整原因", "a reason is required", field="reason")
    if not actor.strip():
        raise InvalidInput("必须填写操作人", "an actor is required", field="actor")
    repo.record_override(
        session,
        chain_id=chain.id,
        segment_id=segment_id,
        status=status,
        reason=reason.strip(),
        actor=actor.strip(),
    )
    return repo.current_overrides(session, chain.id).get(segment_id)


def classify_enterprises(
    session: Session,
    library: Mapping[str, Chain],
    settings: Settings,
    *,
    enterprises: Sequence[Enterprise] | None = None,
) -> int:
    """Re-run segment classification (for the given enterprises, or all); returns assignments.

    Classification reads only names, products, business scope and industry code.
    """
    targets = list(enterprises) if enterprises is not None else repo.all_enterprises(session)
    assignments = classify_all(
        targets, library.values(), min_confidence=settings.classify_min_confidence
    )
    repo.replace_assignments(
        session,
        assignments,
        enterprise_ids=[e.id for e in targets] if enterprises is not None else None,
    )
    return len(assignments)


def add_enterprises(
    session: Session,
    library: Mapping[str, Chain],
    settings: Settings,
    enterprises: Sequence[Enterprise],
) -> list[int]:
    """Insert enterprises and classify them into every chain."""
    ids = repo.add_enterprises(session, enterprises)
    stored = [replace(e, id=new_id) for e, new_id in zip(enterprises, ids, strict=True)]
    classify_enterprises(session, library, settings, enterprises=stored)
    return ids
