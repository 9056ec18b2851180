"""Users and API keys: create, sign in, and turn a token or key into a :class:`Principal`.

Use cases over the store; they flush and never commit (the request or command does).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainmap.auth.credentials import (
    PASSWORD_MIN_LENGTH,
    api_key_digest,
    burn_verification,
    hash_password,
    issue_token,
    new_api_key,
    read_token,
    verify_password,
)
from chainmap.auth.model import InvalidUser, NotAuthenticated, Principal, Role
from chainmap.domain import Chain
from chainmap.freshness import utcnow
from chainmap.store.models import ApiKeyRow, UserRow


@dataclass(frozen=True, slots=True)
class UserView:
    id: int
    username: str
    display_name: str
    role: Role
    chains: tuple[str, ...]
    active: bool


def _view(row: UserRow) -> UserView:
    return UserView(
        row.id, row.username, row.display_name, Role(row.role), tuple(row.chains), row.active
    )


def principal_of(row: UserRow, *, via_api_key: bool = False) -> Principal:
    role = Role(row.role)
    return Principal(
        user_id=row.id,
        username=row.username,
        role=role,
        chains=frozenset(row.chains) if role is Role.chain_leader else None,
        display_name=row.display_name,
        via_api_key=via_api_key,
    )


def create_user(
    session: Session,
    library: Mapping[str, Chain],
    *,
    username: str,
    password: str,
    role: str,
    chains: Iterable[str] = (),
    display_name: str = "",
) -> UserView:
    """A new user. Chain leaders must name at least one chain of the library."""
    username = username.strip()
    if not username or len(username) > 80:
        raise InvalidUser(
            "用户名不能为空，且不超过 80 个字符", "username: 1 to 80 characters", field="username"
        )
    try:
        kind = Role(role)
    except ValueError:
        shown = "、".join(r.value for r in Role)
        raise InvalidUser(
            f"角色「{role}」不存在（可选：{shown}）",
            f"unknown role {role!r} (one of {', '.join(r.value for r in Role)})",
            field="role",
        ) from None
    if len(password) < PASSWORD_MIN_LENGTH:
        raise InvalidUser(
            f"密码至少 {PASSWORD_MIN_LENGTH} 个字符",
            f"the password needs at least {PASSWORD_MIN_LENGTH} characters",
            field="password",
        )
    scope = sorted(set(chains))
    unknown = [c for c in scope if c not in library]
    if unknown:
        raise InvalidUser(
            f"产业链不存在：{'、'.join(unknown)}",
            f"unknown chains: {', '.join(unknown)}",
            field="chains",
        )
    if kind is Role.chain_leader and not scope:
        raise InvalidUser(
            "链长用户须指定所负责的产业链",
            "a chain leader needs at least one chain",
            field="chains",
        )
    if session.scalar(select(UserRow.id).where(UserRow.username == username)) is not None:
        raise InvalidUser(
            f"用户名「{username}」已存在", f"username {username!r} is taken", field="username"
        )
    row = UserRow(
        username=username,
        display_name=display_name.strip(),
        role=kind.value,
        chains=scope if kind is Role.chain_leader else [],
        password_hash=hash_password(password),
    )
    session.add(row)
    session.flush()
    return _view(row)


def list_users(session: Session) -> list[UserView]:
    return [_view(r) for r in session.scalars(select(UserRow).order_by(UserRow.id))]


_BAD_LOGIN = ("用户名或密码错误", "wrong username or password")


def authenticate(session: Session, *, username: str, password: str) -> UserRow:
    """The active user with this username and password; NotAuthenticated otherwise (the
    same answer, after the same work, whether the username exists or not)."""
    row = session.scalar(select(UserRow).where(UserRow.username == username.strip()))
    if row is None:
        burn_verification(password)
        raise NotAuthenticated(*_BAD_LOGIN)
    if not verify_password(row.password_hash, password) or not row.active:
        raise NotAuthenticated(*_BAD_LOGIN)
    return row


def login_token(row: UserRow, *, secret: str, ttl: timedelta) -> str:
    return issue_token(
        user_id=row.id, token_version=row.token_version, secret=secret, ttl=ttl, now=utcnow()
    )


def principal_from_token(session: Session, token: str, *, secret: str) -> Principal:
    claims = read_token(token, secret=secret)
    row = session.get(UserRow, claims.user_id)
    if row is None or not row.active or row.token_version != claims.token_version:
        raise NotAuthenticated("令牌已失效，请重新登录", "the token has been revoked")
    return principal_of(row)


def create_api_key(session: Session, *, username: str, name: str) -> tuple[str, int]:
    """``(key, key id)`` for the user; the key itself is never stored or shown again."""
    row = session.scalar(select(UserRow).where(UserRow.username == username))
    if row is None:
        raise InvalidUser(f"用户「{username}」不存在", f"no user {username!r}", field="username")
    key, digest = new_api_key()
    api = ApiKeyRow(user_id=row.id, name=name or "api", digest=digest, prefix=key[:12])
    session.add(api)
    session.flush()
    return key, api.id


def principal_from_api_key(session: Session, key: str) -> Principal:
    found = session.execute(
        select(ApiKeyRow, UserRow)
        .join(UserRow, UserRow.id == ApiKeyRow.user_id)
        .where(ApiKeyRow.digest == api_key_digest(key))
    ).first()
    if found is None:
        raise NotAuthenticated("API 密钥无效", "the API key is invalid")
    api, user = found
    if api.revoked_at is not None or not user.active:
        raise NotAuthenticated("API 密钥已吊销", "the API key has been revoked")
    return principal_of(user, via_api_key=True)
