"""Supplier / customer relations between enterprises (以商招商): add, list, import."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, Response, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from api.deps import SessionDep, SettingsDep
from api.schemas_enterprises import ImportReportRead
from api.uploads import read_upload, run_import
from chainmap import relations
from chainmap.matching.referral import Relation

router = APIRouter(prefix="/relations", tags=["relations"])

MAX_ID = 2_147_483_647  # the id columns are 32-bit integers


class RelationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    supplier_id: int = Field(ge=1, le=MAX_ID, description="供应方企业 / supplier")
    customer_id: int = Field(ge=1, le=MAX_ID, description="采购方企业 / customer")
    product: Annotated[str, Field(max_length=200, description="产品 / product")] = ""
    source: Annotated[str, Field(max_length=300, description="来源 / source")] = "manual"


class RelationRead(BaseModel):
    id: int
    supplier_id: int
    supplier_name: str = Field(description="供应方 / supplier")
    customer_id: int
    customer_name: str = Field(description="采购方 / customer")
    product: str
    source: str

    @classmethod
    def build(cls, r: relations.RelationRecord) -> RelationRead:
        return cls(
            id=r.id,
            supplier_id=r.supplier_id,
            supplier_name=r.supplier_name,
            customer_id=r.customer_id,
            customer_name=r.customer_name,
            product=r.product,
            source=r.source,
        )


@router.post("", response_model=RelationRead, status_code=201)
def post_relation(body: RelationIn, session: SessionDep) -> RelationRead:
    """登记一条供需关系（供应方 → 采购方）/ record that a supplier sells to a customer."""
    rec = relations.add_relation(
        session, Relation(body.supplier_id, body.customer_id, body.product, body.source)
    )
    return RelationRead.build(rec)


@router.get("", response_model=list[RelationRead])
def get_relations(
    session: SessionDep,
    enterprise_id: Annotated[
        int | None,
        Query(ge=1, le=MAX_ID, description="只看与该企业有关的 / only this enterprise's"),
    ] = None,
) -> list[RelationRead]:
    """供需关系列表 / known supplier-customer relations."""
    return [RelationRead.build(r) for r in relations.list_relations(session, enterprise_id)]


@router.post("/import", response_model=ImportReportRead)
def import_relations(
    session: SessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="供需关系表 xlsx / csv（供应方、采购方、产品）")],
    skip_invalid: Annotated[bool, Query(description="跳过错误行 / land valid rows only")] = False,
    format: Annotated[
        Literal["json", "xlsx"], Query(description="报告格式 / report format")
    ] = "json",
) -> Response:
    """导入供需关系表（默认全部成功才写入）/ import relations, all-or-nothing by default."""
    data = read_upload(file, settings.import_max_bytes)
    filename = file.filename or "upload"
    return run_import(
        data,
        filename,
        lambda: relations.import_relations(
            session,
            source=data,
            filename=filename,
            skip_invalid=skip_invalid,
            max_rows=settings.import_max_rows,
            max_bytes=settings.import_max_bytes,
        ),
        report_format=format,
        columns=relations.RELATION_COLUMNS,
    )
