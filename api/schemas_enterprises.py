"""API schemas for the enterprise registry."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from chainmap.domain import Tag
from chainmap.enterprises import EnterpriseDetail
from chainmap.io.tables import RowError
from chainmap.matching.resolve import Match
from chainmap.registry import ImportReport

IndustryCode = Annotated[
    str, Field(pattern=r"^[A-T]\d{2,4}$", description="GB/T 4754-2017，如 C3841")
]
AliasKind = Literal["abbreviation", "english", "former", "merged"]


class AliasIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    alias: Annotated[str, Field(min_length=1, max_length=200, description="别名 / alias")]
    kind: AliasKind = Field(default="abbreviation", description="简称/英文名/曾用名 kind")


class EnterpriseBase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    credit_code: str | None = Field(
        default=None, description="统一社会信用代码（校验位）/ credit code"
    )
    province: str | None = Field(default=None, max_length=20, description="省 / province")
    city: str | None = Field(default=None, max_length=40, description="市 / city")
    district: str | None = Field(default=None, max_length=40, description="区县 / district")
    listed: bool | None = Field(default=None, description="是否上市 / listed")
    stock_code: str | None = Field(default=None, max_length=20)
    tags: list[Tag] | None = Field(
        default=None, description="龙头/专精特新/小巨人/高新技术/单项冠军"
    )
    revenue_wan: float | None = Field(default=None, ge=0, description="营收（万元）")
    registered_capital_wan: float | None = Field(default=None, ge=0, description="注册资本（万元）")
    employees: int | None = Field(default=None, ge=0, description="参保人数 / employees")
    business_scope: str | None = Field(default=None, max_length=5000, description="经营范围")
    main_products: list[Annotated[str, Field(min_length=1, max_length=100)]] | None = Field(
        default=None, description="主营产品 / main products"
    )
    industry_code: IndustryCode | None = None
    address: str | None = Field(default=None, max_length=300)
    legal_representative: str | None = Field(default=None, max_length=100)


class EnterpriseCreate(EnterpriseBase):
    name: Annotated[str, Field(min_length=1, max_length=200, description="企业名称 / name")]
    aliases: list[AliasIn] = Field(default_factory=list, description="别名 / aliases")


class EnterpriseUpdate(EnterpriseBase):
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None


class AssignmentRead(BaseModel):
    chain_id: str
    segment_id: str
    confidence: float = Field(description="归属置信度 / confidence")
    evidence: list[str] = Field(description="依据 / evidence")


class AliasRead(BaseModel):
    alias: str
    kind: str


class EnterpriseRead(BaseModel):
    id: int
    name: str = Field(description="企业名称 / name")
    name_normalized: str
    credit_code: str | None
    province: str | None
    city: str | None
    district: str | None
    is_local: bool = Field(description="是否本地企业 / inside the jurisdiction")
    listed: bool
    stock_code: str | None
    tags: list[str]
    other_tags: list[str]
    revenue_wan: float | None
    registered_capital_wan: float | None
    paid_in_capital_wan: float | None
    employees: int | None
    established_on: date | None
    registration_status: str | None
    enterprise_type: str | None
    legal_representative: str | None
    address: str | None
    business_scope: str
    main_products: list[str]
    industry_code: str | None
    industry_name: str | None
    source: str = Field(description="数据来源 / source (file or system)")
    imported_at: datetime | None = Field(description="导入时间 / imported at")
    last_verified_at: datetime | None = Field(description="最近核实 / last verified")
    stale: bool = Field(description="信息过期 / not verified within the configured days")
    aliases: list[AliasRead]
    assignments: list[AssignmentRead]


class EnterprisePage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[EnterpriseRead]


class MatchRead(BaseModel):
    id: int
    name: str
    score: float = Field(
        description="校准后的匹配分 / calibrated score (share of same-company pairs)"
    )
    reason: str = Field(description="匹配理由 / reason")

    @classmethod
    def build(cls, m: Match) -> MatchRead:
        return cls(id=m.id, name=m.name, score=m.score, reason=m.reason)


class DuplicateCluster(BaseModel):
    ids: list[int]
    names: list[str]


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    other_id: int = Field(
        ge=1, le=2_147_483_647, description="被合并（删除）的记录 / record merged away"
    )
    actor: Annotated[str, Field(min_length=1, max_length=100, description="操作人")]
    reason: Annotated[str, Field(min_length=1, max_length=2000, description="合并原因")]


class RowErrorRead(BaseModel):
    row: int = Field(description="行号（与 Excel 一致）/ row number as in Excel")
    column: str | None = Field(description="列 / column")
    value: str | None
    message_zh: str
    message_en: str

    @classmethod
    def build(cls, e: RowError) -> RowErrorRead:
        return cls(
            row=e.row_number,
            column=e.column,
            value=None if e.value is None else str(e.value),
            message_zh=e.message_zh,
            message_en=e.message_en,
        )


class ImportReportRead(BaseModel):
    filename: str
    sheet: str | None
    applied: bool = Field(description="是否已写入 / whether anything was written")
    total_rows: int
    inserted: int
    updated: int
    unchanged: int
    rejected: int = Field(description="有误行数 / bad rows")
    import_run_id: int | None
    unknown_columns: list[str] = Field(description="未识别的列 / columns not recognised")
    errors: list[RowErrorRead]

    @classmethod
    def build(cls, r: ImportReport) -> ImportReportRead:
        return cls(
            filename=r.filename,
            sheet=r.sheet,
            applied=r.applied,
            total_rows=r.total_rows,
            inserted=r.inserted,
            updated=r.updated,
            unchanged=r.unchanged,
            rejected=r.rejected,
            import_run_id=r.import_run_id,
            unknown_columns=list(r.unknown_columns),
            errors=[RowErrorRead.build(e) for e in r.errors],
        )


def enterprise_read(d: EnterpriseDetail, *, is_local: bool, stale: bool) -> EnterpriseRead:
    r = d.row
    return EnterpriseRead(
        id=r.id,
        name=r.name,
        name_normalized=r.name_normalized,
        credit_code=r.credit_code,
        province=r.province,
        city=r.city,
        district=r.district,
        is_local=is_local,
        listed=r.listed,
        stock_code=r.stock_code,
        tags=list(r.tags or []),
        other_tags=list(r.other_tags or []),
        revenue_wan=r.revenue_wan,
        registered_capital_wan=r.registered_capital_wan,
        paid_in_capital_wan=r.paid_in_capital_wan,
        employees=r.employees,
        established_on=r.established_on,
        registration_status=r.registration_status,
        enterprise_type=r.enterprise_type,
        legal_representative=r.legal_representative,
        address=r.address,
        business_scope=r.business_scope or "",
        main_products=list(r.main_products or []),
        industry_code=r.industry_code,
        industry_name=r.industry_name,
        source=r.source,
        imported_at=r.imported_at,
        last_verified_at=r.last_verified_at,
        stale=stale,
        aliases=[AliasRead(alias=a.alias, kind=a.kind) for a in d.aliases],
        assignments=[
            AssignmentRead(
                chain_id=a.chain_id,
                segment_id=a.segment_id,
                confidence=a.confidence,
                evidence=list(a.evidence or []),
            )
            for a in d.assignments
        ],
    )
