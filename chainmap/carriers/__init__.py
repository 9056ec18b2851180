"""Carriers (载体): land parcels and standard factories, the space a project needs, how well a
carrier fits it, and the reverse question — which candidates fit this empty building.

Pure core: no database, no files, no settings; ``today`` and ``stale_after_days`` are passed
in. Submodules: ``models`` (types, bounds, freshness, reservation checks, errors), ``need``
(space-need estimates), ``rules`` (area score, industry match, phrases), ``fit`` (carrier fit
for one project) and ``reverse`` (vectorised reverse matching over many candidates).
"""

from chainmap.carriers.fit import (
    CarrierComponent,
    best_carrier,
    carrier_component,
    carrier_fits,
    factory_fit,
    land_fit,
    need_summary,
    no_fit_reason,
)
from chainmap.carriers.models import (
    BOUNDS,
    CARRIER_STATUS_LABELS,
    Blocker,
    Carrier,
    CarrierError,
    CarrierFit,
    CarrierKind,
    CarrierStatus,
    CarrierTaken,
    CarrierUnverified,
    Factory,
    InvalidCarrier,
    InvalidReservation,
    LandParcel,
    Park,
    ParkNotFound,
    SpaceNeed,
    bound_problem,
    check_carrier,
    check_park,
    is_stale,
    stale_note,
    validate_reservation,
)
from chainmap.carriers.need import estimate_need, size_factor
from chainmap.carriers.reverse import (
    CandidateArrays,
    CandidateMatch,
    candidate_arrays,
    carrier_header,
    rank_candidates_for_factory,
    rank_candidates_for_parcel,
)
from chainmap.carriers.rules import area_score, direction_terms, industry_match

__all__ = [
    "BOUNDS",
    "CARRIER_STATUS_LABELS",
    "Blocker",
    "CandidateArrays",
    "CandidateMatch",
    "Carrier",
    "CarrierComponent",
    "CarrierError",
    "CarrierFit",
    "CarrierKind",
    "CarrierStatus",
    "CarrierTaken",
    "CarrierUnverified",
    "Factory",
    "InvalidCarrier",
    "InvalidReservation",
    "LandParcel",
    "Park",
    "ParkNotFound",
    "SpaceNeed",
    "area_score",
    "best_carrier",
    "bound_problem",
    "candidate_arrays",
    "carrier_component",
    "carrier_fits",
    "carrier_header",
    "check_carrier",
    "check_park",
    "direction_terms",
    "estimate_need",
    "factory_fit",
    "industry_match",
    "is_stale",
    "land_fit",
    "need_summary",
    "no_fit_reason",
    "rank_candidates_for_factory",
    "rank_candidates_for_parcel",
    "size_factor",
    "stale_note",
    "validate_reservation",
]
