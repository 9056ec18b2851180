"""The bimonthly meeting pack (双月调度会): 进度表, 成绩单, 红黄牌 as JSON, xlsx or HTML."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import HTMLResponse

from api.deps import LibraryDep, SessionDep, SettingsDep
from api.uploads import XLSX
from chainmap.leads import today_utc
from chainmap.meetings import bimonthly_html, bimonthly_pack, bimonthly_xlsx, cyclic_gc_paused
from chainmap.report.pack import pack_to_dict

router = APIRouter(prefix="/meetings", tags=["meetings"])

Period = Annotated[
    str, Query(description="双月期间，首月 YYYY-MM：2026-09 = 9–10 月 / first month")
]
AsOf = Annotated[date | None, Query(description="红黄牌评估日，默认今天 / flags as of")]


@router.get("/bimonthly", response_model=dict[str, Any])
def get_bimonthly(
    session: SessionDep,
    library: LibraryDep,
    settings: SettingsDep,
    period: Period,
    today: AsOf = None,
    detail: Annotated[bool, Query(description="附每个数字对应的线索 / include lead ids")] = False,
) -> Response:
    """双月调度会材料：进度表、成绩单、红黄牌 / the meeting pack as JSON."""
    with cyclic_gc_paused():
        pack = bimonthly_pack(
            session, library, settings, period=period, today=today or today_utc(), with_moves=detail
        )
        body = pack_to_dict(pack, detail=detail)
        # Serialised once, here: the body is already plain JSON values (17 MB for 100,000
        # leads with 25,000 flags), and FastAPI's response-model pass over it took longer
        # than the pack itself (BENCHMARKS.md, meeting pack).
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(content, media_type="application/json")


@router.get("/bimonthly.xlsx", response_class=Response)
def get_bimonthly_xlsx(
    session: SessionDep,
    library: LibraryDep,
    settings: SettingsDep,
    period: Period,
    today: AsOf = None,
) -> Response:
    """双月调度会材料（Excel）/ the meeting pack as xlsx."""
    body = bimonthly_xlsx(session, library, settings, period=period, today=today or today_utc())
    name = f"bimonthly-{period}.xlsx"
    return Response(
        body, media_type=XLSX, headers={"Content-Disposition": f"attachment; filename={name}"}
    )


@router.get("/bimonthly.html", response_class=HTMLResponse)
def get_bimonthly_html(
    session: SessionDep,
    library: LibraryDep,
    settings: SettingsDep,
    period: Period,
    today: AsOf = None,
) -> HTMLResponse:
    """双月调度会材料（可打印，A4 横向）/ the printable meeting pack."""
    page = bimonthly_html(session, library, settings, period=period, today=today or today_utc())
    return HTMLResponse(page)
