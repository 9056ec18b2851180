"""Use cases: store → core → results. Shared by the CLI and the API.

Services receive an open Session and never commit: the caller's transaction (one per
request or command) does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from dataclasses import replace as dc_replace
from typing import Generic, Protocol, TypeVar

from sqlalchemy.orm import Session

from chainmap.domain import (
    Assignment,
    Chain,
    Enterprise,
    Gap,
    Override,
    SegmentPresence,
    Status,
    Tag,
    Target,
)
from chainmap.errors import ChainmapError
from chainmap.freshness import utcnow
from chainmap.gaps import find_gaps, local_presence
from chainmap.matcher_cache import (
    MatcherCache,
    Prepared,
    load_metrics,
    match_context,
    with_metrics,
)
from chainmap.matching.classify import classify_all
from chainmap.matching.components import resolve_weights
from chainmap.matching.regions import DEFAULT_REGIONS, PROVINCE_COORDS
from chainmap.matching.vector import Ranking, TargetFilter, build_matrix, explain, page, rank
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


RANKINGS_PAIR_BUDGET = 8_000_000
"""Rankings kept per prepared chain, one per filter combination, oldest dropped first: as many
as fit this many (candidate, gap) pair keys (64 MB), at least 4."""


class CanonicalSource(Protocol):
    def canonical(self, session: Session) -> dict[int, int]: ...


def prepare_targets(
    session: Session,
    chain: Chain,
    settings: Settings,
    *,
    cache: MatcherCache | None = None,
    resolver: CanonicalSource | None = None,
) -> Prepared:
    """The chain's state and CandidateMatrix (and, given ``resolver``, the duplicate clusters),
    from the cache when the data has not changed."""
    key = cache.key(session, settings) if cache is not None else None
    if cache is not None and key is not None:
        hit = cache.get(chain.id, key)
        if hit is not None:
            return hit
    state = chain_state(session, chain, settings)
    metrics = load_metrics(session)
    candidates = with_metrics(
        [e for i, e in state.enterprises.items() if i not in state.local_ids], metrics
    )
    context = match_context(session, chain, settings, today=utcnow().date())
    matrix = build_matrix(
        chain=chain,
        candidates=candidates,
        assignments=state.assignments,
        context=context,
        min_confidence=settings.classify_min_confidence,
    )
    canonical = resolver.canonical(session) if resolver is not None else {}
    prepared = Prepared(state=state, matrix=matrix, canonical=canonical)
    if cache is not None and key is not None:
        cache.put(chain.id, key, prepared)
    return prepared


def check_filters(chain: Chain, filters: TargetFilter) -> None:
    """Unknown segment → 404 naming it; unknown tag or region → 422 naming the field."""
    if filters.segment_id is not None:
        chain.segment(filters.segment_id)  # raises SegmentNotFound naming it
    known_tags = {t.value for t in Tag}
    for tag in filters.tags:
        if tag not in known_tags:
            raise InvalidInput(
                f"未知标签「{tag}」（可选：{'、'.join(sorted(known_tags))}）",
                f"unknown tag {tag!r} (known: {', '.join(sorted(known_tags))})",
                field="tag",
            )
    if filters.region is not None:
        regions = chain.regions if chain.regions is not None else DEFAULT_REGIONS
        names = {r.name for r in regions}
        ok = (
            filters.region in names
            or filters.region in PROVINCE_COORDS
            or filters.region.endswith(("市", "州", "盟", "地区"))
        )
        if not ok:
            raise InvalidInput(
                f"未知区域「{filters.region}」：应为重点区域（{'、'.join(sorted(names))}）、"
                "省份或城市全称",
                f"unknown region {filters.region!r}: give a priority region "
                f"({', '.join(sorted(names))}), a province or a city",
                field="region",
            )
    if filters.min_revenue_wan is not None and filters.min_revenue_wan < 0:
        raise InvalidInput(
            "min_revenue_wan 不能为负数",
            "min_revenue_wan must not be negative",
            field="min_revenue_wan",
        )


def rank_prepared(
    prepared: Prepared,
    chain: Chain,
    *,
    filters: TargetFilter | None = None,
    canonical: Mapping[int, int] | None = None,
) -> Ranking:
    """Rank the prepared chain. Rankings with the prepared duplicate clusters (or none) are
    kept on ``prepared`` by filter, so a repeated query costs only its page."""
    f = filters or TargetFilter()
    check_filters(chain, f)
    cacheable = canonical is None or canonical is prepared.canonical
    if cacheable:
        hit = prepared.rankings.get((f, canonical is not None))
        if hit is not None:
            return hit
    ranking = rank(
        prepared.matrix,
        gaps=prepared.state.gaps,
        weights=resolve_weights(chain),
        filters=f,
        canonical=canonical,
    )
    if cacheable:
        kept = max(4, RANKINGS_PAIR_BUDGET // max(1, len(prepared.matrix.pair_assign)))
        if len(prepared.rankings) >= kept:
            prepared.rankings.pop(next(iter(prepared.rankings)))
        prepared.rankings[(f, canonical is not None)] = ranking
    return ranking


def ranked_targets(
    session: Session,
    chain: Chain,
    settings: Settings,
    *,
    segment_id: str | None = None,
    canonical: Mapping[int, int] | None = None,
    filters: TargetFilter | None = None,
    cache: MatcherCache | None = None,
) -> tuple[ChainState, list[Target]]:
    """All targets for the chain's gaps (or one gap segment), best first, every row explained.

    ``canonical`` maps records of one duplicate cluster to one id; only the best-ranked
    record of a cluster is listed, so the same company never appears twice.
    """
    f = filters or TargetFilter()
    if segment_id is not None:
        f = dc_replace(f, segment_id=segment_id)
    prepared = prepare_targets(session, chain, settings, cache=cache)
    ranking = rank_prepared(prepared, chain, filters=f, canonical=canonical)
    return prepared.state, [explain(ranking, int(i)) for i in ranking.order()]


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


def check_page(settings: Settings, limit: int, offset: int) -> None:
    if limit < 1 or limit > settings.targets_max_page_size:
        raise InvalidInput(
            f"limit 须在 1 到 {settings.targets_max_page_size} 之间",
            f"limit must be between 1 and {settings.targets_max_page_size}",
            field="limit",
        )
    if offset < 0:
        raise InvalidInput("offset 不能为负数", "offset must not be negative", field="offset")


def targets_page(
    session: Session,
    chain: Chain,
    settings: Settings,
    *,
    segment_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
    canonical: Mapping[int, int] | None = None,
    filters: TargetFilter | None = None,
    cache: MatcherCache | None = None,
    resolver: CanonicalSource | None = None,
) -> Page[Target]:
    """One page of ranked targets; only the page's rows are explained. Duplicates collapse by
    ``canonical``, or by the clusters ``resolver`` gives (taken once per data version)."""
    check_page(settings, limit, offset)
    f = filters or TargetFilter()
    if segment_id is not None:
        f = dc_replace(f, segment_id=segment_id)
    prepared = prepare_targets(session, chain, settings, cache=cache, resolver=resolver)
    clusters = canonical if canonical is not None else prepared.canonical
    ranking = rank_prepared(prepared, chain, filters=f, canonical=clusters)
    return Page(
        items=page(ranking, offset=offset, limit=limit),
        total=ranking.total,
        limit=limit,
        offset=offset,
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
