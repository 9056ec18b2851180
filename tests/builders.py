"""Test builders: small enterprises with sensible defaults, overridable per test."""

from __future__ import annotations

from dataclasses import replace
from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from chainmap import services
from chainmap.domain import Chain, Enterprise
from chainmap.settings import Settings

_ids = count(1)

LOCAL = {"province": "江西省", "city": "示范市", "district": "高新区"}
ELSEWHERE = {"province": "江苏省", "city": "常州市", "district": "武进区"}


def make_enterprise(**overrides: Any) -> Enterprise:
    n = next(_ids)
    base = Enterprise(
        id=n,
        name=f"测试企业{n}有限公司",
        business_scope="一般项目：技术开发、技术咨询、货物进出口",
        source="test",
        **ELSEWHERE,
    )
    return replace(base, **overrides)


def add_enterprise(
    session: Session, library: dict[str, Chain], settings: Settings, **overrides: Any
) -> Enterprise:
    """Insert one enterprise (classified into every chain) and return it with its real id."""
    ent = make_enterprise(**overrides)
    (new_id,) = services.add_enterprises(session, library, settings, [ent])
    return replace(ent, id=new_id)
