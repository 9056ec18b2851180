"""Enterprise registry: search, CRUD, import, name resolution, duplicates and merge."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, Request, Response, UploadFile

from api.deps import IdPath, LibraryDep, OffsetQuery, SessionDep, SettingsDep
from api.schemas import Freshness
from api.schemas_enterprises import (
    DuplicateCluster,
    EnterpriseCreate,
    EnterprisePage,
    EnterpriseRead,
    EnterpriseUpdate,
    ImportReportRead,
    MatchRead,
    MergeIn,
    enterprise_read,
)
from api.uploads import read_upload, run_import
from chainmap import enterprises as registry
from chainmap.enterprises import EnterpriseDetail, ResolverCache, SearchQuery
from chainmap.freshness import utcnow
from chainmap.io.enterprise_rows import ENTERPRISE_COLUMNS
from chainmap.matching.resolve import MATCH_THRESHOLD
from chainmap.registry import import_enterprises
from chainmap.settings import Settings

router = APIRouter(prefix="/enterprises", tags=["enterprises"])


def _resolver(request: Request) -> ResolverCache:
    cache: ResolverCache = request.app.state.resolver
    return cache


def _read(d: EnterpriseDetail, settings: Settings) -> EnterpriseRead:
    r = d.row
    fresh = Freshness(now=utcnow(), max_age_days=settings.enterprise_stale_after_days)
    return enterprise_read(
        d,
        is_local=settings.jurisdiction.contains(r.province, r.city, r.district),
        stale=fresh.stale(r.last_verified_at),
    )


@router.get("", response_model=EnterprisePage)
def list_enterprises(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    q: Annotated[str | None, Query(max_length=200, description="名称（模糊）/ name, fuzzy")] = None,
    province: str | None = None,
    city: str | None = None,
    district: str | None = None,
    tag: Annotated[str | None, Query(description="标签 / tag, e.g. specialised")] = None,
    chain: Annotated[str | None, Query(description="产业链 / chain id")] = None,
    segment: Annotated[str | None, Query(description="环节 / segment id")] = None,
    local: Annotated[
        bool | None, Query(description="本地 / local only (true) or outside (false)")
    ] = None,
    stale: Annotated[bool | None, Query(description="只看过期 / stale only")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: OffsetQuery = 0,
) -> EnterprisePage:
    """搜索企业库 / search the registry."""
    query = SearchQuery(
        q=q,
        province=province,
        city=city,
        district=district,
        tag=tag,
        chain_id=chain,
        segment_id=segment,
        local=local,
        stale=stale,
        limit=limit,
        offset=offset,
    )
    page = registry.search(session, settings, query, resolver=_resolver(request))
    return EnterprisePage(
        total=page.total,
        limit=page.limit,
        offset=page.offset,
        items=[_read(d, settings) for d in page.items],
    )


@router.get("/resolve", response_model=list[MatchRead])
def resolve_name(
    request: Request,
    session: SessionDep,
    name: Annotated[str, Query(min_length=1, max_length=200, description="待识别名称 / name")],
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
    min_score: Annotated[float, Query(ge=0, le=1, description="最低分 / minimum score")] = 0.5,
) -> list[MatchRead]:
    """名称识别：简称、繁体、全角、英文名 → 企业库记录 / resolve a name to registry records."""
    matches = registry.resolve(session, _resolver(request), name, limit=limit, min_score=min_score)
    return [MatchRead.build(m) for m in matches]


@router.get("/duplicates", response_model=list[DuplicateCluster])
def list_duplicates(
    request: Request,
    session: SessionDep,
    threshold: Annotated[float, Query(ge=0.5, le=1)] = MATCH_THRESHOLD,
) -> list[DuplicateCluster]:
    """疑似重复企业 / clusters of records that name the same enterprise."""
    index = _resolver(request).get(session)
    clusters = registry.duplicates(session, _resolver(request), threshold=threshold)
    return [
        DuplicateCluster(ids=c, names=[index.record_names.get(i, "") for i in c]) for c in clusters
    ]


@router.post("/import", response_model=ImportReportRead)
def import_file(
    session: SessionDep,
    library: LibraryDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="xlsx 或 csv（UTF-8/GB18030）")],
    skip_invalid: Annotated[bool, Query(description="跳过错误行 / land valid rows only")] = False,
    format: Annotated[
        Literal["json", "xlsx"], Query(description="报告格式 / report format")
    ] = "json",
    actor: Annotated[str, Query(min_length=1, max_length=100)] = "api",
) -> Response:
    """导入企业名录（默认全部成功才写入）/ import an export, all-or-nothing by default."""
    data = read_upload(file, settings.import_max_bytes)
    filename = file.filename or "upload"
    return run_import(
        data,
        filename,
        lambda: import_enterprises(
            session,
            library,
            settings,
            source=data,
            filename=filename,
            skip_invalid=skip_invalid,
            actor=actor,
        ),
        report_format=format,
        columns=ENTERPRISE_COLUMNS,
    )


@router.post("", response_model=EnterpriseRead, status_code=201)
def create_enterprise(
    body: EnterpriseCreate, session: SessionDep, library: LibraryDep, settings: SettingsDep
) -> EnterpriseRead:
    """新增企业（自动归类到产业链环节）/ add an enterprise."""
    values = body.model_dump(exclude={"aliases"}, exclude_none=True)
    d = registry.create(
        session, library, settings, values, aliases=[(a.alias, a.kind) for a in body.aliases]
    )
    return _read(d, settings)


@router.get("/{enterprise_id}", response_model=EnterpriseRead)
def get_enterprise(
    enterprise_id: IdPath, session: SessionDep, settings: SettingsDep
) -> EnterpriseRead:
    """企业详情 / one enterprise with aliases and segment assignments."""
    return _read(registry.detail(session, enterprise_id), settings)


@router.patch("/{enterprise_id}", response_model=EnterpriseRead)
def update_enterprise(
    enterprise_id: IdPath,
    body: EnterpriseUpdate,
    session: SessionDep,
    library: LibraryDep,
    settings: SettingsDep,
) -> EnterpriseRead:
    """修改企业信息（重新归类）/ update fields."""
    d = registry.update(
        session, library, settings, enterprise_id, body.model_dump(exclude_unset=True)
    )
    return _read(d, settings)


@router.delete("/{enterprise_id}", status_code=204)
def delete_enterprise(enterprise_id: IdPath, session: SessionDep) -> Response:
    """删除企业 / delete an enterprise."""
    registry.remove(session, enterprise_id)
    return Response(status_code=204)


@router.post("/{enterprise_id}/merge", response_model=EnterpriseRead)
def merge_enterprise(
    enterprise_id: IdPath,
    body: MergeIn,
    session: SessionDep,
    library: LibraryDep,
    settings: SettingsDep,
) -> EnterpriseRead:
    """合并重复企业：保留本记录，另一条的名称成为别名 / merge a duplicate into this record."""
    d = registry.merge(
        session,
        library,
        settings,
        keep_id=enterprise_id,
        other_id=body.other_id,
        actor=body.actor,
        reason=body.reason,
    )
    return _read(d, settings)
