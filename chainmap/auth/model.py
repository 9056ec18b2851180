"""Who may see and change what: roles, permissions and the principal making a request.

Pure: no database, no HTTP. The API looks a route's permission up in its rule table and asks
:func:`can`; chain-scoped data (a chain leader's chains) is filtered with :func:`sees_chain`.

>>> leader = Principal(user_id=7, username="li", role=Role.chain_leader,
...                    chains=frozenset({"nev-battery"}))
>>> can(leader, Permission.leads_write), can(leader, Permission.carriers_write)
(True, False)
>>> sees_chain(leader, "nev-battery"), sees_chain(leader, "biomedicine")
(True, False)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from chainmap.errors import ChainmapError


class Role(StrEnum):
    admin = "admin"
    secretariat = "secretariat"  # 调度会秘书处: reads everything, writes meeting settings
    bureau = "bureau"  # 商务局 / 投资促进局: carriers, reservations, the registry
    chain_leader = "chain_leader"  # 链长 and working group: their own chains only
    viewer = "viewer"


ROLE_LABELS: dict[Role, str] = {
    Role.admin: "系统管理员",
    Role.secretariat: "调度会秘书处",
    Role.bureau: "招商部门",
    Role.chain_leader: "链长/产业链工作组",
    Role.viewer: "只读用户",
}


class Permission(StrEnum):
    public = "public"  # health, login, the OpenAPI document
    self_read = "self:read"  # who am I
    chains_read = "chains:read"  # chain graphs, gaps
    targets_read = "targets:read"  # target lists, the 招商地图, what-if
    status_write = "status:write"  # override a segment's status
    enterprises_read = "enterprises:read"
    enterprises_write = "enterprises:write"  # create, edit, merge, import
    relations_write = "relations:write"  # supplier / customer relations (以商招商)
    carriers_read = "carriers:read"
    carriers_write = "carriers:write"  # ledger import, reservations
    leads_read = "leads:read"
    leads_write = "leads:write"
    leads_import = "leads:import"  # a whole city ledger, across chains
    meetings_read = "meetings:read"
    audit_read = "audit:read"
    users_manage = "users:manage"


_READ_ALL = {
    Permission.self_read,
    Permission.chains_read,
    Permission.targets_read,
    Permission.enterprises_read,
    Permission.carriers_read,
    Permission.leads_read,
    Permission.meetings_read,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.admin: frozenset(Permission),
    Role.secretariat: frozenset(_READ_ALL),
    Role.bureau: frozenset(
        {
            Permission.self_read,
            Permission.chains_read,
            Permission.targets_read,
            Permission.enterprises_read,
            Permission.enterprises_write,
            Permission.relations_write,
            Permission.carriers_read,
            Permission.carriers_write,
            Permission.leads_read,
        }
    ),
    Role.chain_leader: frozenset(
        {
            Permission.self_read,
            Permission.chains_read,
            Permission.targets_read,
            Permission.status_write,
            Permission.enterprises_read,
            Permission.carriers_read,
            Permission.leads_read,
            Permission.leads_write,
        }
    ),
    Role.viewer: frozenset(
        {
            Permission.self_read,
            Permission.chains_read,
            Permission.targets_read,
            Permission.enterprises_read,
            Permission.carriers_read,
        }
    ),
}
"""What each role may do. Chain leaders are further limited to their chains."""


@dataclass(frozen=True, slots=True)
class Principal:
    """The user (or API key) behind a request. ``chains`` is None for every chain."""

    user_id: int
    username: str
    role: Role
    chains: frozenset[str] | None = None
    display_name: str = ""
    via_api_key: bool = False

    @property
    def actor(self) -> str:
        """How the audit trail and stage histories name this principal."""
        return self.display_name or self.username


def can(principal: Principal, permission: Permission) -> bool:
    """Whether the principal's role grants ``permission`` (public needs no role)."""
    return permission is Permission.public or permission in ROLE_PERMISSIONS[principal.role]


def sees_chain(principal: Principal, chain_id: str) -> bool:
    """Chain leaders see only their own chains; every other role sees all."""
    if principal.role is not Role.chain_leader:
        return True
    return principal.chains is not None and chain_id in principal.chains


def visible_chains(principal: Principal, chain_ids: Iterable[str]) -> list[str]:
    return [c for c in chain_ids if sees_chain(principal, c)]


class AuthError(ChainmapError):
    code = "auth_error"


class NotAuthenticated(AuthError):
    """No credentials, or credentials that are wrong, expired or revoked (401)."""

    code = "not_authenticated"

    def __init__(
        self,
        message_zh: str = "请先登录（用户名密码换取令牌，或使用 API 密钥）",
        message_en: str = "authentication required (a bearer token or an API key)",
    ) -> None:
        super().__init__(message_zh, message_en, field="Authorization")


class Forbidden(AuthError):
    """Authenticated, but the role does not grant this (403)."""

    code = "forbidden"

    def __init__(self, principal: Principal, permission: Permission) -> None:
        super().__init__(
            f"「{ROLE_LABELS[principal.role]}」角色无权执行此操作（需要 {permission.value}）",
            f"role {principal.role.value} lacks permission {permission.value}",
            field=None,
        )
        self.permission = permission


class TooManyAttempts(AuthError):
    code = "too_many_login_attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"登录尝试过多，请 {retry_after} 秒后再试",
            f"too many login attempts; try again in {retry_after} s",
            field="username",
        )
        self.retry_after = retry_after


class InvalidUser(AuthError):
    code = "user_invalid"
