"""The route-by-role matrix, generated from the app's own OpenAPI document: every route has a
rule in ``api.permissions.RULES``, and for every role it answers as the rule says — refused
with 403 (or, for a chain leader outside their chains, 404), admitted otherwise — and never
with a 5xx. A new route without a rule fails here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import Request
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.auth import get_principal
from api.permissions import RULES
from chainmap.auth.model import Permission, Principal, Role, can
from chainmap.settings import Settings
from tests.conftest import _app

PARAMS = {
    "chain_id": "nev-battery",
    "segment_id": "separator",
    "enterprise_id": "1",
    "lead_id": "1",
    "kind": "factories",
    "carrier_id": "1",
    "username": "nobody",
}
LEADER_CHAINS = frozenset({"nev-battery"})


def _principal(role: Role) -> Principal:
    return Principal(
        user_id=0,
        username=f"matrix-{role.value}",
        role=role,
        chains=LEADER_CHAINS if role is Role.chain_leader else None,
    )


@pytest.fixture
def matrix_client(
    settings: Settings, session_factory: sessionmaker[Session]
) -> Iterator[TestClient]:
    """The app with the role taken from an ``X-Test-Role`` header (no header: anonymous).
    Authentication itself is tested in test_auth_api.py; this is about the rules."""
    app = _app(settings, session_factory)

    def by_header(request: Request) -> Principal | None:
        role = request.headers.get("x-test-role")
        return _principal(Role(role)) if role else None

    app.dependency_overrides[get_principal] = by_header
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _routes() -> list[tuple[str, str]]:
    from api.app import create_app
    from api.web import docs, pages

    spec = create_app().openapi()
    routes = {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops}
    # the web pages and the offline API docs are left out of the OpenAPI document
    for hidden in (pages.router, docs.router):
        routes |= {
            (method, route.path)
            for route in hidden.routes
            if isinstance(route, APIRoute)
            for method in route.methods - {"HEAD"}
        }
    return sorted(routes)


ROUTES = _routes()


def test_every_route_has_a_rule_and_every_rule_a_route() -> None:
    missing = [r for r in ROUTES if r not in RULES]
    assert missing == [], f"routes without a permission rule: {missing}"
    stale = [r for r in RULES if r not in ROUTES]
    assert stale == [], f"rules for routes that do not exist: {stale}"


def _call(client: TestClient, method: str, path: str, role: Role | None, **params: str) -> Any:
    url = re.sub(r"\{(\w+)\}", lambda m: {**PARAMS, **params}[m.group(1)], path)
    headers = {"X-Test-Role": role.value} if role else {}
    return client.request(method, url, headers=headers)


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_route_answers_each_role_as_its_rule_says(
    matrix_client: TestClient, method: str, path: str
) -> None:
    rule = RULES[(method, path)]
    anonymous = _call(matrix_client, method, path, None)
    if rule.permission is Permission.public:
        assert anonymous.status_code not in (401, 403), anonymous.text
    else:
        assert anonymous.status_code == 401, anonymous.text
    for role in Role:
        r = _call(matrix_client, method, path, role)
        assert r.status_code < 500, (role, r.status_code, r.text)
        if can(_principal(role), rule.permission):
            assert r.status_code not in (401, 403), (role, r.text)
        else:
            assert r.status_code == 403, (role, r.status_code, r.text)
            assert r.json()["code"] == "forbidden"


def test_every_chain_route_with_data_is_chain_scoped() -> None:
    unscoped = [
        r
        for r in ROUTES
        if "{chain_id}" in r[1]
        and r in RULES
        and RULES[r].permission is not Permission.public
        and not RULES[r].chain_scoped
    ]
    assert unscoped == []


# Chain routes with data a chain leader may use at all (on their own chains); the public
# page shell /ui/chains/{chain_id} holds none (its script gets the 404 from the API).
CHAIN_ROUTES = [
    (m, p)
    for m, p in ROUTES
    if "{chain_id}" in p
    and (m, p) in RULES
    and RULES[(m, p)].permission is not Permission.public
    and can(_principal(Role.chain_leader), RULES[(m, p)].permission)
]


@pytest.mark.parametrize(
    ("method", "path"), CHAIN_ROUTES, ids=[f"{m} {p}" for m, p in CHAIN_ROUTES]
)
def test_chain_leaders_get_404_for_other_chains(
    matrix_client: TestClient, method: str, path: str
) -> None:
    other = _call(matrix_client, method, path, Role.chain_leader, chain_id="biomedicine")
    assert other.status_code == 404 and other.json()["code"] == "chain_not_found"
    own = _call(matrix_client, method, path, Role.chain_leader)
    assert own.status_code not in (401, 403, 404) or own.json()["code"] != "chain_not_found"
    admin = _call(matrix_client, method, path, Role.admin, chain_id="biomedicine")
    assert admin.status_code not in (401, 403)
