"""Carriers (载体): the inventory of standard factories and land for bureaus — query, summary,
maps (GeoJSON), ledger import, reservations that can never be held twice, and reverse matching
(which candidates fit this empty building)."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Path, Query, Request, Response, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.deps import MAX_ID, LibraryDep, OffsetQuery, SessionDep, SettingsDep
from api.schemas_carriers import (
    FactoryCreate,
    FactoryPage,
    FactoryRead,
    LandCreate,
    LandPage,
    LandRead,
    ParkCreate,
    ParkRead,
    ReleaseIn,
    ReservationCreate,
    ReservationRead,
    SummaryRead,
    VerifyIn,
)
from api.schemas_enterprises import ImportReportRead
from api.uploads import read_upload, run_import
from chainmap import carrier_reservations as reservations
from chainmap import carrier_service as service
from chainmap.carrier_candidates import CandidateCache, candidates_for
from chainmap.carrier_import import import_factories, import_land
from chainmap.carrier_service import CarrierQuery
from chainmap.carriers import CarrierKind, CarrierStatus, Factory, LandParcel, Park
from chainmap.io.carrier_rows import FACTORY_COLUMNS, LAND_COLUMNS
from chainmap.leads import today_utc
from chainmap.services import Page
from chainmap.settings import Settings

router = APIRouter(prefix="/carriers", tags=["carriers"])

KindPath = Literal["factories", "land"]
KINDS: dict[str, CarrierKind] = {"factories": "factory", "land": "land"}
GEOJSON = "application/geo+json"

Limit = Annotated[int, Query(ge=1, le=500, description="每页条数 ≤ 500 / page size")]
Offset = OffsetQuery
CarrierId = Annotated[int, Path(ge=1, le=MAX_ID, description="载体编号 / carrier id")]
Format = Annotated[
    Literal["json", "geojson"], Query(description="json，或 geojson（地图用 FeatureCollection）")
]
Positive = Annotated[float | None, Query(ge=0)]


def _read(c: Factory | LandParcel, settings: Settings) -> FactoryRead | LandRead:
    days = settings.carrier_stale_after_days
    if isinstance(c, Factory):
        return FactoryRead.build(c, today=today_utc(), stale_after_days=days)
    return LandRead.build(c, today=today_utc(), stale_after_days=days)


def _factories(
    session: Session, settings: Settings, q: CarrierQuery
) -> tuple[Page[Factory], list[FactoryRead]]:
    """A page of factories and their answers, stale flags as of one today."""
    today, days = today_utc(), settings.carrier_stale_after_days
    page = service.list_factories(session, q, today=today, stale_after_days=days)
    return page, [FactoryRead.build(f, today=today, stale_after_days=days) for f in page.items]


def _parcels(
    session: Session, settings: Settings, q: CarrierQuery
) -> tuple[Page[LandParcel], list[LandRead]]:
    """A page of land parcels and their answers, stale flags as of one today."""
    today, days = today_utc(), settings.carrier_stale_after_days
    page = service.list_parcels(session, q, today=today, stale_after_days=days)
    return page, [LandRead.build(p, today=today, stale_after_days=days) for p in page.items]


def _geojson(
    session: Session,
    page: Page[Factory] | Page[LandParcel],
    items: list[FactoryRead] | list[LandRead],
) -> Response:
    return _feature_collection(
        items, service.parks(session), total=page.total, limit=page.limit, offset=page.offset
    )


def _json(model: BaseModel) -> Response:
    """The page serialised once (FastAPI would dump, re-validate and dump it again: 500 rows
    cost more in that round trip than in the database)."""
    return Response(model.model_dump_json(), media_type="application/json")


def _feature_collection(
    items: list[FactoryRead] | list[LandRead], parks: list[Park], **members: Any
) -> Response:
    """A GeoJSON FeatureCollection: carriers at their own point, else at their park's point."""
    at = {p.id: (p.lon, p.lat) for p in parks if p.lon is not None and p.lat is not None}
    features = []
    for item in items:
        if item.lon is not None and item.lat is not None:
            point, located_by = (item.lon, item.lat), "carrier"
        elif item.park_id in at:
            point, located_by = at[item.park_id], "park"
        else:
            continue
        props = item.model_dump(mode="json", exclude={"lon", "lat"})
        props["located_by"] = located_by
        features.append(
            {
                "type": "Feature",
                "id": f"{item.kind}-{item.id}",
                "geometry": {"type": "Point", "coordinates": list(point)},
                "properties": props,
            }
        )
    body = {
        "type": "FeatureCollection",
        "features": features,
        "without_coordinates": len(items) - len(features),
        **members,
    }
    return Response(json.dumps(body, ensure_ascii=False), media_type=GEOJSON)


def _parks_geojson(parks: list[Park]) -> Response:
    features = []
    for p in parks:
        read = ParkRead.build(p)
        if read.outline is not None:
            geometry = read.outline
        elif p.lon is not None and p.lat is not None:
            geometry = {"type": "Point", "coordinates": [p.lon, p.lat]}
        else:
            continue
        props = read.model_dump(mode="json", exclude={"outline"})
        features.append(
            {"type": "Feature", "id": f"park-{p.id}", "geometry": geometry, "properties": props}
        )
    body = {"type": "FeatureCollection", "features": features}
    return Response(json.dumps(body, ensure_ascii=False), media_type=GEOJSON)


# --- parks ----------------------------------------------------------------------------------


@router.get("/parks", response_model=list[ParkRead])
def list_parks(session: SessionDep, format: Format = "json") -> Any:
    """园区列表（format=geojson 为地图用边界或中心点）/ parks."""
    parks = service.parks(session)
    if format == "geojson":
        return _parks_geojson(parks)
    return [ParkRead.build(p) for p in parks]


@router.get("/parks.geojson", response_class=Response)
def parks_geojson(session: SessionDep) -> Response:
    """园区 GeoJSON / parks as a FeatureCollection."""
    return _parks_geojson(service.parks(session))


@router.post("/parks", response_model=ParkRead, status_code=201)
def create_park(body: ParkCreate, session: SessionDep) -> ParkRead:
    """登记园区 / add a park."""
    park = Park(
        id=0,
        name=body.name,
        district=body.district,
        leading_industries=tuple(body.leading_industries),
        lon=body.lon,
        lat=body.lat,
        outline_geojson=json.dumps(body.outline, ensure_ascii=False) if body.outline else None,
    )
    return ParkRead.build(service.create_park(session, park, source="manual"))


# --- factories and land ---------------------------------------------------------------------


def _query(
    *,
    park: str | None,
    district: str | None,
    min_area: float | None,
    max_area: float | None,
    industry: str | None,
    status: CarrierStatus | None,
    stale: bool | None,
    sort: str,
    limit: int,
    offset: int,
    **more: Any,
) -> CarrierQuery:
    return CarrierQuery(
        park=park,
        district=district,
        min_area=min_area,
        max_area=max_area,
        industry=industry,
        status=status,
        stale=stale,
        sort=sort,
        limit=limit,
        offset=offset,
        **more,
    )


@router.get("/factories", response_model=FactoryPage)
def list_factories(
    session: SessionDep,
    settings: SettingsDep,
    park: Annotated[str | None, Query(description="园区名称 / park")] = None,
    district: Annotated[str | None, Query(description="区县 / district")] = None,
    min_area: Annotated[Positive, Query(description="面积下限（㎡）")] = None,
    max_area: Annotated[Positive, Query(description="面积上限（㎡）")] = None,
    min_height: Annotated[Positive, Query(description="层高下限（m）")] = None,
    min_load: Annotated[Positive, Query(description="承重下限（kN/㎡）")] = None,
    min_power: Annotated[Positive, Query(description="配电下限（kVA）")] = None,
    industry: Annotated[str | None, Query(description="产业方向包含 / direction contains")] = None,
    status: Annotated[CarrierStatus | None, Query(description="vacant/reserved/occupied")] = None,
    stale: Annotated[bool | None, Query(description="只看过期(true)或已核实(false)")] = None,
    sort: Annotated[str, Query(description="排序字段，前加 - 为降序，如 -area_m2")] = "id",
    limit: Limit = 50,
    offset: Offset = 0,
    format: Format = "json",
) -> Any:
    """厂房查询（筛选、排序、分页；过期信息标 stale）/ query standard factories."""
    q = _query(
        park=park,
        district=district,
        min_area=min_area,
        max_area=max_area,
        industry=industry,
        status=status,
        stale=stale,
        sort=sort,
        limit=limit,
        offset=offset,
        min_height=min_height,
        min_load=min_load,
        min_power=min_power,
    )
    page, items = _factories(session, settings, q)
    if format == "geojson":
        return _geojson(session, page, items)
    out = FactoryPage(total=page.total, limit=page.limit, offset=page.offset, items=items)
    return _json(out)


@router.get("/factories.geojson", response_class=Response)
def factories_geojson(
    session: SessionDep,
    settings: SettingsDep,
    park: str | None = None,
    status: CarrierStatus | None = None,
    stale: bool | None = None,
    limit: Limit = 500,
    offset: Offset = 0,
) -> Response:
    """厂房 GeoJSON（地图）/ factories as a FeatureCollection."""
    q = CarrierQuery(park=park, status=status, stale=stale, limit=limit, offset=offset)
    page, items = _factories(session, settings, q)
    return _geojson(session, page, items)


@router.get("/land", response_model=LandPage)
def list_land(
    session: SessionDep,
    settings: SettingsDep,
    park: Annotated[str | None, Query(description="园区名称 / park")] = None,
    district: Annotated[str | None, Query(description="区县 / district")] = None,
    min_area: Annotated[Positive, Query(description="面积下限（亩）")] = None,
    max_area: Annotated[Positive, Query(description="面积上限（亩）")] = None,
    site_ready: Annotated[bool | None, Query(description="是否净地 / site ready")] = None,
    industry: Annotated[str | None, Query(description="产业方向包含 / direction contains")] = None,
    status: Annotated[CarrierStatus | None, Query(description="vacant/reserved/occupied")] = None,
    stale: Annotated[bool | None, Query(description="只看过期(true)或已核实(false)")] = None,
    sort: Annotated[str, Query(description="排序字段，前加 - 为降序，如 -area_mu")] = "id",
    limit: Limit = 50,
    offset: Offset = 0,
    format: Format = "json",
) -> Any:
    """地块查询（筛选、排序、分页；过期信息标 stale）/ query land parcels."""
    q = _query(
        park=park,
        district=district,
        min_area=min_area,
        max_area=max_area,
        industry=industry,
        status=status,
        stale=stale,
        sort=sort,
        limit=limit,
        offset=offset,
        site_ready=site_ready,
    )
    page, items = _parcels(session, settings, q)
    if format == "geojson":
        return _geojson(session, page, items)
    out = LandPage(total=page.total, limit=page.limit, offset=page.offset, items=items)
    return _json(out)


@router.get("/land.geojson", response_class=Response)
def land_geojson(
    session: SessionDep,
    settings: SettingsDep,
    park: str | None = None,
    status: CarrierStatus | None = None,
    stale: bool | None = None,
    limit: Limit = 500,
    offset: Offset = 0,
) -> Response:
    """地块 GeoJSON（地图）/ land parcels as a FeatureCollection."""
    q = CarrierQuery(park=park, status=status, stale=stale, limit=limit, offset=offset)
    page, items = _parcels(session, settings, q)
    return _geojson(session, page, items)


@router.post("/factories", response_model=FactoryRead, status_code=201)
def create_factory(body: FactoryCreate, session: SessionDep, settings: SettingsDep) -> Any:
    """登记厂房（园区须已存在，面积等须在合理范围）/ add a factory unit."""
    today = today_utc()
    data = body.model_dump(exclude={"park"})
    data["last_verified_on"] = body.last_verified_on or today
    factory = Factory(id=0, park_name=body.park, **data)
    return _read(service.create_factory(session, factory, today=today), settings)


@router.post("/land", response_model=LandRead, status_code=201)
def create_land(body: LandCreate, session: SessionDep, settings: SettingsDep) -> Any:
    """登记地块（园区须已存在，面积等须在合理范围）/ add a land parcel."""
    today = today_utc()
    data = body.model_dump(exclude={"park"})
    data["last_verified_on"] = body.last_verified_on or today
    parcel = LandParcel(id=0, park_name=body.park, **data)
    return _read(service.create_parcel(session, parcel, today=today), settings)


def _import(
    kind: CarrierKind,
    session: SessionDep,
    settings: Settings,
    file: UploadFile,
    skip_invalid: bool,
    format: Literal["json", "xlsx"],
    actor: str,
) -> Response:
    data = read_upload(file, settings.import_max_bytes)
    filename = file.filename or "upload"
    importer = import_factories if kind == "factory" else import_land
    return run_import(
        data,
        filename,
        lambda: importer(
            session,
            settings,
            source=data,
            filename=filename,
            today=today_utc(),
            skip_invalid=skip_invalid,
            actor=actor,
        ),
        report_format=format,
        columns=FACTORY_COLUMNS if kind == "factory" else LAND_COLUMNS,
    )


ImportFile = Annotated[UploadFile, File(description="台账 xlsx / csv")]
SkipInvalid = Annotated[bool, Query(description="跳过错误行 / land valid rows only")]
ReportFormat = Annotated[Literal["json", "xlsx"], Query(description="报告格式 / report format")]
Actor = Annotated[str, Query(min_length=1, max_length=100)]


@router.post("/factories/import", response_model=ImportReportRead)
def import_factory_ledger(
    session: SessionDep,
    settings: SettingsDep,
    file: ImportFile,
    skip_invalid: SkipInvalid = False,
    format: ReportFormat = "json",
    actor: Actor = "台账导入",
) -> Response:
    """导入闲置厂房台账（默认全部成功才写入；按园区+楼栋+楼层更新）/ import a factory ledger."""
    return _import("factory", session, settings, file, skip_invalid, format, actor)


@router.post("/land/import", response_model=ImportReportRead)
def import_land_ledger(
    session: SessionDep,
    settings: SettingsDep,
    file: ImportFile,
    skip_invalid: SkipInvalid = False,
    format: ReportFormat = "json",
    actor: Actor = "台账导入",
) -> Response:
    """导入收储用地台账（默认全部成功才写入；按地块编号更新）/ import a land ledger."""
    return _import("land", session, settings, file, skip_invalid, format, actor)


@router.get("/summary", response_model=list[SummaryRead])
def get_summary(session: SessionDep, settings: SettingsDep) -> list[SummaryRead]:
    """按园区、产业方向汇总空置厂房（㎡）与可供净地（亩）；过期信息单列 / vacant space summary."""
    rows = service.summary(
        session, today=today_utc(), stale_after_days=settings.carrier_stale_after_days
    )
    return [SummaryRead.build(r) for r in rows]


# --- one carrier ----------------------------------------------------------------------------


@router.get("/{kind}/{carrier_id}", response_model=FactoryRead | LandRead)
def get_carrier(
    kind: KindPath, carrier_id: CarrierId, session: SessionDep, settings: SettingsDep
) -> Any:
    """载体详情 / one factory or parcel."""
    return _read(service.get_carrier(session, KINDS[kind], carrier_id, today=today_utc()), settings)


@router.post("/{kind}/{carrier_id}/verify", response_model=FactoryRead | LandRead)
def verify_carrier(
    kind: KindPath,
    carrier_id: CarrierId,
    body: VerifyIn,
    session: SessionDep,
    settings: SettingsDep,
) -> Any:
    """记录核实（信息恢复为最新，可同时更新空置/已占用）/ record a verification."""
    today = today_utc()
    carrier = service.verify(
        session,
        KINDS[kind],
        carrier_id,
        on=body.verified_on or today,
        source=body.source,
        status=body.status,
        today=today,
    )
    return _read(carrier, settings)


@router.post("/{kind}/{carrier_id}/reservations", response_model=ReservationRead, status_code=201)
def reserve(
    kind: KindPath,
    carrier_id: CarrierId,
    body: ReservationCreate,
    session: SessionDep,
    settings: SettingsDep,
) -> ReservationRead:
    """预订载体给线索或企业至某日；已被预订时 409 并说明预订方 / reserve, never twice."""
    row = reservations.reserve(
        session,
        KINDS[kind],
        carrier_id,
        reservations.ReservationRequest(
            until=body.until,
            actor=body.actor,
            lead_id=body.lead_id,
            enterprise_id=body.enterprise_id,
            starts_on=body.starts_on,
            note=body.note,
        ),
        today=today_utc(),
        stale_after_days=settings.carrier_stale_after_days,
    )
    return ReservationRead.build(row)


@router.get("/{kind}/{carrier_id}/reservations", response_model=list[ReservationRead])
def reservation_history(kind: KindPath, carrier_id: CarrierId, session: SessionDep) -> Any:
    """预订历史（谁在何时预订、释放或到期）/ who held this carrier, newest first."""
    views = reservations.history(session, KINDS[kind], carrier_id, today=today_utc())
    return [ReservationRead.from_view(v) for v in views]


def _release(
    kind: KindPath, carrier_id: CarrierId, actor: str, reason: str | None, session: SessionDep
) -> ReservationRead:
    row = reservations.release(
        session, KINDS[kind], carrier_id, actor=actor, reason=reason, today=today_utc()
    )
    return ReservationRead.build(row)


@router.post("/{kind}/{carrier_id}/release", response_model=ReservationRead)
def release(
    kind: KindPath, carrier_id: CarrierId, body: ReleaseIn, session: SessionDep
) -> ReservationRead:
    """释放预订，载体恢复空置 / release the active reservation."""
    return _release(kind, carrier_id, body.actor, body.reason, session)


@router.delete("/{kind}/{carrier_id}/reservations", response_model=ReservationRead)
def release_by_delete(
    kind: KindPath,
    carrier_id: CarrierId,
    session: SessionDep,
    actor: Actor,
    reason: Annotated[str | None, Query(max_length=2000)] = None,
) -> ReservationRead:
    """释放预订（同 POST …/release）/ release the active reservation."""
    return _release(kind, carrier_id, actor, reason, session)


@router.get("/{kind}/{carrier_id}/candidates")
def candidates(
    kind: KindPath,
    carrier_id: CarrierId,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    library: LibraryDep,
    limit: Annotated[int, Query(ge=1, le=200, description="返回条数 / how many")] = 20,
) -> JSONResponse:
    """反向匹配：最适合这处空置厂房或地块的企业与在跟线索，各附理由 / who fits this carrier."""
    cache: CandidateCache = request.app.state.carrier_candidates
    today = today_utc()
    carrier = service.get_carrier(session, KINDS[kind], carrier_id, today=today)
    answer = candidates_for(
        session,
        cache,
        carrier,
        library=library,
        settings=settings,
        today=today,
        top=limit,
    )
    body = {"carrier": _read(carrier, settings).model_dump(mode="json"), **answer}
    return JSONResponse(body)
