"""Demo carriers: deterministic, labelled as generated, plausible, unique, some of them stale."""

from __future__ import annotations

from datetime import date

from chainmap.carriers import CarrierStatus, check_carrier, is_stale
from chainmap.demo_carriers import DEMO_CARRIER_SOURCE, generate_demo_carriers

TODAY = date(2026, 12, 2)


def test_same_day_and_seed_give_the_same_carriers() -> None:
    assert generate_demo_carriers(today=TODAY) == generate_demo_carriers(today=TODAY)
    assert generate_demo_carriers(today=TODAY) != generate_demo_carriers(today=TODAY, seed=7)


def test_demo_carriers_are_plausible_labelled_and_unique() -> None:
    parks, factories, parcels = generate_demo_carriers(today=TODAY)
    assert len(parks) == 5 and len(factories) == 150 and len(parcels) == 60
    names = {p.name for p in parks}
    for c in (*factories, *parcels):
        check_carrier(c)  # raises on an implausible figure
        assert c.source == DEMO_CARRIER_SOURCE and c.park_name in names
        assert c.last_verified_on is not None and c.last_verified_on <= TODAY
    units = {(f.park_name, f.building, f.floor) for f in factories}
    assert len(units) == len(factories)
    assert len({p.code for p in parcels}) == len(parcels)
    stale = [c for c in (*factories, *parcels) if is_stale(c, today=TODAY, stale_after_days=90)]
    assert 0 < len(stale) < 0.25 * (len(factories) + len(parcels))
    vacant = [f for f in factories if f.status is CarrierStatus.vacant]
    assert len(vacant) > 0.6 * len(factories)
    assert any(p.site_ready for p in parcels) and any(f.floor for f in factories)
