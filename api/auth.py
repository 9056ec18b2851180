"""Who is asking, and may they: credentials from the request, and the one check every route
passes through (installed as an app-wide dependency by :func:`api.app.create_app`).

A request carries ``Authorization: Bearer <token>`` (from ``POST /auth/token``) or
``X-API-Key: <key>``. :func:`authorize` looks the matched route up in
:data:`api.permissions.RULES` — a route without a rule is refused, so a new route cannot
slip through — checks the role, hides other chains from chain leaders (404, as if absent),
and names the principal on the request's session for the audit trail.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer

from api.deps import SessionDep, SessionFactoryDep
from api.permissions import RULES, Rule
from chainmap.auth.model import (
    Forbidden,
    NotAuthenticated,
    Permission,
    Principal,
    can,
    sees_chain,
)
from chainmap.errors import ChainmapError, ChainNotFound
from chainmap.store.audit import record_request, set_actor
from chainmap.store.db import session_scope
from chainmap.users import principal_from_api_key, principal_from_token

bearer = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class RouteWithoutRule(ChainmapError):
    code = "route_without_rule"

    def __init__(self, method: str, path: str) -> None:
        super().__init__(
            f"接口 {method} {path} 未声明权限，已拒绝",
            f"{method} {path} declares no permission and is refused",
        )


def get_principal(
    request: Request,
    factory: SessionFactoryDep,
    token: Annotated[str | None, Depends(bearer)],
    api_key: Annotated[str | None, Depends(api_key_header)],
) -> Principal | None:
    """The signed-in user or API key, or None when the request carries no credentials.

    Looked up in a short transaction of its own, not the request's: on SQLite a transaction
    that reads before it writes cannot take the write lock once another writer has committed
    since it began, so the request's transaction must start with the request's own work."""
    if not (api_key or token):
        return None
    with session_scope(factory) as session:
        if api_key:
            return principal_from_api_key(session, api_key)
        assert token is not None
        return principal_from_token(session, token, secret=request.app.state.secret_key)


def rule_for(request: Request) -> tuple[Rule, str]:
    route = request.scope.get("route")
    path = route.path if isinstance(route, APIRoute) else request.url.path
    rule = RULES.get((request.method, path))
    if rule is None:
        raise RouteWithoutRule(request.method, path)
    return rule, path


def authorize(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal | None, Depends(get_principal)],
) -> None:
    """Refuse the request unless the route's rule allows this principal."""
    rule, path = rule_for(request)
    if rule.permission is Permission.public:
        return
    if principal is None:
        raise NotAuthenticated()
    if not can(principal, rule.permission):
        raise Forbidden(principal, rule.permission)
    chain_id = request.path_params.get("chain_id")
    if rule.chain_scoped and chain_id is not None and not sees_chain(principal, chain_id):
        raise ChainNotFound(chain_id)
    set_actor(
        session, principal.actor, user_id=principal.user_id, request=f"{request.method} {path}"
    )
    if request.method not in SAFE_METHODS:
        record_request(
            session, summary={"path": request.url.path, "query": dict(request.query_params)}
        )


def current_principal(
    principal: Annotated[Principal | None, Depends(get_principal)],
) -> Principal:
    """The signed-in principal, for routes that scope their data by it (the same value
    :func:`authorize` checked: FastAPI resolves ``get_principal`` once per request)."""
    if principal is None:
        raise NotAuthenticated()
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]
