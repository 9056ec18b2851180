"""Load the demo city's leads into the store (``chainmap demo load``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy.orm import Session

from chainmap.demo import PUBLIC_SOURCE
from chainmap.demo_leads import generate_demo_leads
from chainmap.domain import Chain
from chainmap.store import repo
from chainmap.store.leads_repo import insert_pipeline

DEMO_LEADS_SOURCE = "演示数据（生成的招商线索）"


def load_demo_leads(session: Session, library: Mapping[str, Chain], *, today: date) -> int:
    """Generate about 200 leads over the past year for the stored demo enterprises."""
    enterprises = [e for e in repo.all_enterprises(session) if e.source != PUBLIC_SOURCE]
    leads, changes, arrivals = generate_demo_leads(
        enterprises=enterprises,
        assignments=repo.all_assignments(session),
        chains=library,
        today=today,
    )
    insert_pipeline(session, leads, changes, arrivals, source=DEMO_LEADS_SOURCE)
    return len(leads)
