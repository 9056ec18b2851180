"""API schemas for carriers (载体): parks, factories, land parcels, reservations, candidates."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from chainmap.carrier_reservations import ReservationView
from chainmap.carrier_service import SummaryRow
from chainmap.carriers import (
    CARRIER_STATUS_LABELS,
    CarrierStatus,
    Factory,
    LandParcel,
    Park,
    is_stale,
    stale_note,
)
from chainmap.store.models import CarrierReservationRow, ReservationEventRow

Name = Annotated[str, Field(min_length=1, max_length=100)]
Id = Annotated[int, Field(ge=1, le=2_147_483_647)]
Lon = Annotated[float, Field(ge=-180, le=180, description="经度 / longitude (WGS-84)")]
Lat = Annotated[float, Field(ge=-90, le=90, description="纬度 / latitude (WGS-84)")]
# Bounds beyond the schema's (plausibility, units) are checked by chainmap.carriers.check_carrier,
# so the API and the ledger import refuse the same values with the same message.


class Freshness(BaseModel):
    last_verified_on: date | None = Field(description="上次核实日期 / last verified")
    source: str = Field(description="信息来源 / where the listing comes from")
    stale: bool = Field(description="超过核实期限未核实，不作为可用载体 / unverified too long")
    stale_note: str | None = Field(description="过期说明 / why it is stale")


def _freshness(c: Factory | LandParcel, today: date, days: int) -> dict[str, Any]:
    stale = is_stale(c, today=today, stale_after_days=days)
    return {
        "last_verified_on": c.last_verified_on,
        "source": c.source,
        "stale": stale,
        "stale_note": stale_note(c, stale_after_days=days) if stale else None,
    }


class ParkCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name = Field(description="园区名称 / park name")
    district: Annotated[str, Field(max_length=40)] | None = Field(default=None, description="区县")
    leading_industries: list[Annotated[str, Field(max_length=100)]] = Field(
        default_factory=list, description="主导产业 / leading industries"
    )
    lon: Lon | None = None
    lat: Lat | None = None
    outline: dict[str, Any] | None = Field(
        default=None, description="园区边界 GeoJSON geometry（Polygon / MultiPolygon）"
    )

    @field_validator("outline")
    @classmethod
    def _polygon(cls, v: dict[str, Any] | None) -> dict[str, Any] | None:
        if v is not None and v.get("type") not in ("Polygon", "MultiPolygon"):
            raise ValueError("outline must be a GeoJSON Polygon or MultiPolygon geometry")
        return v


class ParkRead(BaseModel):
    id: int
    name: str
    district: str | None
    leading_industries: list[str]
    lon: float | None
    lat: float | None
    outline: dict[str, Any] | None

    @classmethod
    def build(cls, p: Park) -> ParkRead:
        outline = json.loads(p.outline_geojson) if p.outline_geojson else None
        return cls(
            id=p.id,
            name=p.name,
            district=p.district,
            leading_industries=list(p.leading_industries),
            lon=p.lon,
            lat=p.lat,
            outline=outline,
        )


class _CarrierCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    park: Name = Field(description="所属园区（须已登记）/ park, must exist")
    district: Annotated[str, Field(max_length=40)] | None = None
    industry_direction: Annotated[str, Field(max_length=200)] = Field(
        default="", description="产业方向 / industry direction"
    )
    status: CarrierStatus = Field(
        default=CarrierStatus.vacant,
        description="空置/已占用（预订请用预订接口）/ vacant or occupied",
    )
    lon: Lon | None = None
    lat: Lat | None = None
    last_verified_on: date | None = Field(default=None, description="核实日期，默认今天")
    source: Annotated[str, Field(max_length=300)] = Field(default="manual", description="来源")

    @field_validator("status")
    @classmethod
    def _not_reserved(cls, v: CarrierStatus) -> CarrierStatus:
        if v is CarrierStatus.reserved:
            raise ValueError("use POST …/reservations to reserve a carrier")
        return v


class FactoryCreate(_CarrierCreate):
    building: Name = Field(description="楼栋 / building")
    floor: Annotated[str, Field(max_length=40)] | None = Field(default=None, description="楼层")
    area_m2: float = Field(description="面积（㎡）/ area")
    clear_height_m: float | None = Field(default=None, description="层高（m）")
    floor_load_kn_m2: float | None = Field(default=None, description="承重（kN/㎡）")
    power_kva: float | None = Field(default=None, description="配电容量（kVA）")
    has_crane: bool | None = Field(default=None, description="有无行车 / crane")
    crane_t: float | None = Field(default=None, description="行车吨位（t）")
    rent_yuan_m2_month: float | None = Field(default=None, description="租金（元/㎡·月）")
    contact_person: Annotated[str, Field(max_length=100)] | None = None
    contact_phone: Annotated[str, Field(max_length=40)] | None = None


class LandCreate(_CarrierCreate):
    code: Name = Field(description="地块编号 / parcel code")
    area_mu: float = Field(description="面积（亩）/ area in mu")
    land_use: Annotated[str, Field(max_length=100)] | None = Field(
        default=None, description="用地性质"
    )
    site_ready: bool | None = Field(default=None, description="是否净地 / site ready")
    price_wan_per_mu: float | None = Field(default=None, description="挂牌价（万元/亩）")
    available_from: date | None = Field(default=None, description="可供日期")


class FactoryRead(Freshness):
    kind: Literal["factory"] = "factory"
    id: int
    label: str = Field(description="园区 楼栋 楼层")
    park: str
    park_id: int | None
    district: str | None
    building: str
    floor: str | None
    area_m2: float
    clear_height_m: float | None
    floor_load_kn_m2: float | None
    power_kva: float | None
    has_crane: bool | None
    crane_t: float | None
    industry_direction: str
    status: CarrierStatus
    status_label: str
    rent_yuan_m2_month: float | None
    contact_person: str | None
    contact_phone: str | None
    lon: float | None
    lat: float | None

    @classmethod
    def build(cls, f: Factory, *, today: date, stale_after_days: int) -> FactoryRead:
        return cls(
            id=f.id,
            label=f.label,
            park=f.park_name,
            park_id=f.park_id,
            district=f.district,
            building=f.building,
            floor=f.floor,
            area_m2=f.area_m2,
            clear_height_m=f.clear_height_m,
            floor_load_kn_m2=f.floor_load_kn_m2,
            power_kva=f.power_kva,
            has_crane=f.has_crane,
            crane_t=f.crane_t,
            industry_direction=f.industry_direction,
            status=f.status,
            status_label=CARRIER_STATUS_LABELS[f.status],
            rent_yuan_m2_month=f.rent_yuan_m2_month,
            contact_person=f.contact_person,
            contact_phone=f.contact_phone,
            lon=f.lon,
            lat=f.lat,
            **_freshness(f, today, stale_after_days),
        )


class LandRead(Freshness):
    kind: Literal["land"] = "land"
    id: int
    label: str
    code: str = Field(description="地块编号")
    park: str
    park_id: int | None
    district: str | None
    area_mu: float
    land_use: str | None
    site_ready: bool | None
    industry_direction: str
    status: CarrierStatus
    status_label: str
    price_wan_per_mu: float | None
    available_from: date | None
    lon: float | None
    lat: float | None

    @classmethod
    def build(cls, p: LandParcel, *, today: date, stale_after_days: int) -> LandRead:
        return cls(
            id=p.id,
            label=p.label,
            code=p.code,
            park=p.park_name,
            park_id=p.park_id,
            district=p.district,
            area_mu=p.area_mu,
            land_use=p.land_use,
            site_ready=p.site_ready,
            industry_direction=p.industry_direction,
            status=p.status,
            status_label=CARRIER_STATUS_LABELS[p.status],
            price_wan_per_mu=p.price_wan_per_mu,
            available_from=p.available_from,
            lon=p.lon,
            lat=p.lat,
            **_freshness(p, today, stale_after_days),
        )


class FactoryPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[FactoryRead]


class LandPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[LandRead]


class SummaryRead(BaseModel):
    park: str
    district: str | None
    industry_direction: str = Field(description="产业方向")
    vacant_factory_m2: float = Field(description="空置厂房面积（㎡，已核实）")
    vacant_factories: int
    site_ready_land_mu: float = Field(description="可供净地（亩，已核实）")
    site_ready_parcels: int
    other_vacant_land_mu: float = Field(description="其他可供地块（非净地或未注明，亩）")
    stale_factory_m2: float = Field(description="信息过期待核实的空置厂房（㎡，不计入可用）")
    stale_land_mu: float = Field(description="信息过期待核实的地块（亩，不计入可用）")

    @classmethod
    def build(cls, r: SummaryRow) -> SummaryRead:
        return cls.model_validate(r, from_attributes=True)


class VerifyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    verified_on: date | None = Field(default=None, description="核实日期，默认今天")
    source: Annotated[str, Field(max_length=300)] | None = Field(
        default=None, description="核实来源 / who or what confirmed it"
    )
    status: Literal["vacant", "occupied"] | None = Field(
        default=None, description="核实到的状态 / status found"
    )


class ReservationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lead_id: Id | None = Field(default=None, description="线索 / lead holding it")
    enterprise_id: Id | None = Field(default=None, description="企业 / enterprise holding it")
    until: date = Field(description="预订至 / held until (inclusive)")
    starts_on: date | None = Field(default=None, description="开始日期，默认今天")
    actor: Name = Field(description="经办人 / who records it")
    note: Annotated[str, Field(max_length=2000)] | None = None


class ReleaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    actor: Name
    reason: Annotated[str, Field(max_length=2000)] | None = None


class ReservationEventRead(BaseModel):
    event: str = Field(description="reserved / released / expired")
    actor: str
    note: str | None
    recorded_at: datetime

    @classmethod
    def build(cls, e: ReservationEventRow) -> ReservationEventRead:
        return cls(event=e.event, actor=e.actor, note=e.note, recorded_at=e.recorded_at)


class ReservationRead(BaseModel):
    id: int
    carrier_kind: str
    carrier_id: int
    holder: str = Field(description="预订方 / who holds it")
    lead_id: int | None
    enterprise_id: int | None
    starts_on: date
    until: date
    state: str = Field(description="active / released / expired（过期即不再占用）")
    actor: str
    note: str | None
    created_at: datetime
    ended_at: datetime | None
    ended_by: str | None
    end_reason: str | None
    events: list[ReservationEventRead] = Field(default_factory=list)

    @classmethod
    def build(
        cls,
        r: CarrierReservationRow,
        *,
        state: str | None = None,
        events: list[ReservationEventRow] | None = None,
    ) -> ReservationRead:
        return cls(
            id=r.id,
            carrier_kind=r.carrier_kind,
            carrier_id=r.carrier_id,
            holder=r.holder,
            lead_id=r.lead_id,
            enterprise_id=r.enterprise_id,
            starts_on=r.starts_on,
            until=r.until,
            state=state or r.state,
            actor=r.actor,
            note=r.note,
            created_at=r.created_at,
            ended_at=r.ended_at,
            ended_by=r.ended_by,
            end_reason=r.end_reason,
            events=[ReservationEventRead.build(e) for e in events or []],
        )

    @classmethod
    def from_view(cls, v: ReservationView) -> ReservationRead:
        return cls.build(v.row, state=v.state, events=v.events)
