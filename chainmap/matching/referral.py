"""以商招商 (referral): bring in an enterprise through a local one that already trades with it.

A :class:`Relation` says ``supplier`` sells ``product`` to ``customer``. For a candidate, every
local enterprise that buys from it or supplies it is a :class:`Referrer`, named with the path
(「本地企业 —采购隔膜→ 候选」). The component grows with the number of referrers:
``1 − 0.5ⁿ`` (one referrer 0.5, two 0.75, three 0.875).

Example::

    >>> rel = [Relation(supplier_id=7, customer_id=1, product="隔膜")]
    >>> refs = referrers_by_candidate(rel, local_names={1: "本地电芯"}, candidate_ids={7})
    >>> refs[7][0].path
    '本地电芯 ←供应隔膜— 候选企业'
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

REFERRAL_DECAY = 0.5


@dataclass(frozen=True, slots=True)
class Relation:
    """A known trade relation: ``supplier`` sells ``product`` to ``customer``."""

    supplier_id: int
    customer_id: int
    product: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class Referrer:
    """A local enterprise that trades with a candidate, and how."""

    enterprise_id: int
    name: str
    role: Literal["buys_from", "supplies"]
    """``buys_from``: the local enterprise is the candidate's customer; ``supplies``: its
    supplier."""
    product: str
    path: str


def referrers_by_candidate(
    relations: Iterable[Relation],
    *,
    local_names: Mapping[int, str],
    candidate_ids: Collection[int],
) -> dict[int, list[Referrer]]:
    """For each candidate with a local trading partner, those partners (sorted by id, product)."""
    out: dict[int, list[Referrer]] = {}
    for r in relations:
        if r.customer_id in local_names and r.supplier_id in candidate_ids:
            name = local_names[r.customer_id]
            what = f"供应{r.product}" if r.product else "供货"
            out.setdefault(r.supplier_id, []).append(
                Referrer(r.customer_id, name, "buys_from", r.product, f"{name} ←{what}— 候选企业")
            )
        if r.supplier_id in local_names and r.customer_id in candidate_ids:
            name = local_names[r.supplier_id]
            what = f"供应{r.product}" if r.product else "供货"
            out.setdefault(r.customer_id, []).append(
                Referrer(r.supplier_id, name, "supplies", r.product, f"{name} —{what}→ 候选企业")
            )
    for refs in out.values():
        refs.sort(key=lambda x: (x.enterprise_id, x.role, x.product))
    return out


def referral_value(count: int) -> float:
    """``1 − 0.5ⁿ`` for ``n`` referrers."""
    return 1.0 - REFERRAL_DECAY**count if count > 0 else 0.0
