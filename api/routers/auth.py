"""Sign-in (OAuth2 password flow → signed bearer token), who am I, users and API keys, and
the audit trail for admins."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from api.auth import PrincipalDep
from api.deps import LibraryDep, OffsetQuery, SessionDep, SessionFactoryDep, SettingsDep
from chainmap.auth.model import ROLE_LABELS, ROLE_PERMISSIONS, NotAuthenticated, Role
from chainmap.store.db import session_scope
from chainmap.store.models import AuditRow
from chainmap.users import (
    authenticate,
    create_api_key,
    create_user,
    list_users,
    login_token,
)

router = APIRouter(tags=["auth"])


class TokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="有效期（秒）/ seconds")


class MeRead(BaseModel):
    user_id: int
    username: str
    display_name: str
    role: Role
    role_label: str
    chains: list[str] | None = Field(description="负责的产业链；null 为全部 / null = all")
    via_api_key: bool
    permissions: list[str] = Field(
        description="本角色的权限，页面据此显示操作 / what the role may do"
    )


class UserCreate(BaseModel):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=8, max_length=200)
    role: Role
    chains: list[str] = Field(default_factory=list, max_length=50)
    display_name: str = Field(default="", max_length=100)


class UserRead(BaseModel):
    id: int
    username: str
    display_name: str
    role: Role
    chains: list[str]
    active: bool


class ApiKeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100, description="用途，如 调度会系统")


class ApiKeyRead(BaseModel):
    id: int
    key: str = Field(description="只显示这一次 / shown once")


@router.post("/auth/token", response_model=TokenRead)
def token(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    factory: SessionFactoryDep,
    settings: SettingsDep,
) -> TokenRead:
    """用户名密码换取访问令牌（失败过多将暂时锁定）/ sign in: username and password → token."""
    limiter = request.app.state.login_limiter
    client = request.client.host if request.client else "-"
    key = f"{form.username.strip()}|{client}"
    limiter.check(key)
    try:
        # Argon2 is CPU- and memory-hard on purpose: a few verifications at a time per
        # process, each in a short transaction of its own, so a crowd signing in at once
        # queues here instead of holding every pooled connection while it hashes.
        with request.app.state.password_slots, session_scope(factory) as session:
            user = authenticate(session, username=form.username, password=form.password)
    except NotAuthenticated:
        limiter.failed(key)
        raise
    limiter.succeeded(key)
    ttl = timedelta(minutes=settings.token_ttl_minutes)
    return TokenRead(
        access_token=login_token(user, secret=request.app.state.secret_key, ttl=ttl),
        expires_in=int(ttl.total_seconds()),
    )


@router.get("/auth/me", response_model=MeRead)
def me(principal: PrincipalDep) -> MeRead:
    """当前用户、角色与负责的产业链 / who am I."""
    return MeRead(
        user_id=principal.user_id,
        username=principal.username,
        display_name=principal.display_name,
        role=principal.role,
        role_label=ROLE_LABELS[principal.role],
        chains=sorted(principal.chains) if principal.chains is not None else None,
        via_api_key=principal.via_api_key,
        permissions=sorted(p.value for p in ROLE_PERMISSIONS[principal.role]),
    )


@router.get("/auth/users", response_model=list[UserRead])
def users(session: SessionDep) -> list[UserRead]:
    """全部用户（管理员）/ every user (admins)."""
    return [
        UserRead(
            id=u.id,
            username=u.username,
            display_name=u.display_name,
            role=u.role,
            chains=list(u.chains),
            active=u.active,
        )
        for u in list_users(session)
    ]


@router.post("/auth/users", response_model=UserRead, status_code=201)
def add_user(body: UserCreate, session: SessionDep, library: LibraryDep) -> UserRead:
    """新建用户（管理员）/ create a user (admins)."""
    u = create_user(
        session,
        library,
        username=body.username,
        password=body.password,
        role=body.role.value,
        chains=body.chains,
        display_name=body.display_name,
    )
    return UserRead(
        id=u.id,
        username=u.username,
        display_name=u.display_name,
        role=u.role,
        chains=list(u.chains),
        active=u.active,
    )


@router.post("/auth/users/{username}/api-keys", response_model=ApiKeyRead, status_code=201)
def add_api_key(username: str, body: ApiKeyCreate, session: SessionDep) -> ApiKeyRead:
    """为用户签发长期 API 密钥，仅显示一次（管理员）/ issue an API key, shown once."""
    key, key_id = create_api_key(session, username=username, name=body.name)
    return ApiKeyRead(id=key_id, key=key)


class AuditEntry(BaseModel):
    id: int
    at: datetime
    actor: str
    user_id: int | None
    request: str
    action: str
    table_name: str
    record_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[AuditEntry]


@router.get("/audit", response_model=AuditPage)
def audit(
    session: SessionDep,
    actor: Annotated[str | None, Query(max_length=100, description="操作人")] = None,
    table: Annotated[str | None, Query(max_length=60, description="表名，如 leads")] = None,
    record_id: Annotated[str | None, Query(max_length=60)] = None,
    action: Annotated[str | None, Query(pattern="^(insert|update|delete|request)$")] = None,
    since: Annotated[date | None, Query(description="起始日期（含）")] = None,
    until: Annotated[date | None, Query(description="截止日期（含）")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: OffsetQuery = 0,
) -> AuditPage:
    """审计日志：谁在何时改了什么、改前改后（管理员）/ the audit trail, newest first."""
    query = select(AuditRow)
    if actor:
        query = query.where(AuditRow.actor == actor)
    if table:
        query = query.where(AuditRow.table_name == table)
    if record_id:
        query = query.where(AuditRow.record_id == record_id)
    if action:
        query = query.where(AuditRow.action == action)
    if since:
        query = query.where(AuditRow.at >= datetime.combine(since, time.min, tzinfo=UTC))
    if until:
        query = query.where(
            AuditRow.at < datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC)
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(AuditRow.id.desc()).limit(limit).offset(offset))
    return AuditPage(
        total=total,
        limit=limit,
        offset=offset,
        items=[
            AuditEntry(
                id=r.id,
                at=r.at,
                actor=r.actor,
                user_id=r.user_id,
                request=r.request,
                action=r.action,
                table_name=r.table_name,
                record_id=r.record_id,
                before=r.before,
                after=r.after,
            )
            for r in rows
        ],
    )


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)
