"""Schemathesis over the whole OpenAPI document, signed in as an admin through the real login:
no request it generates may make the service fail (5xx), and every documented response must
match its schema. Bounded so CI stays within minutes: ``CHAINMAP_FUZZ_EXAMPLES`` examples per
operation (default 6)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from pydantic import SecretStr
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy.orm import Session, sessionmaker

from chainmap.domain import Chain
from chainmap.settings import Settings
from chainmap.users import create_user
from tests.conftest import _app

EXAMPLES = int(os.environ.get("CHAINMAP_FUZZ_EXAMPLES", "6"))
PASSWORD = "fuzz-password-1"


@pytest.fixture
def fuzz_app(
    settings: Settings,
    session_factory: sessionmaker[Session],
    session: Session,
    library: dict[str, Chain],
) -> Iterator[FastAPI]:
    create_user(session, library, username="fuzz", password=PASSWORD, role="admin")
    session.commit()
    # A fixed key: schemathesis and the login below each start the app's lifespan.
    fixed = settings.model_copy(update={"secret_key": SecretStr("fuzz-secret-" * 4)})
    app = _app(fixed, session_factory)
    with TestClient(app):  # runs the lifespan: engine, caches, secret key
        yield app


@pytest.fixture
def admin_headers(fuzz_app: FastAPI) -> dict[str, str]:
    with TestClient(fuzz_app) as c:
        r = c.post("/auth/token", data={"username": "fuzz", "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _operations() -> list[tuple[str, str]]:
    from api.app import create_app

    spec = create_app().openapi()
    return sorted(
        (method.upper(), path)
        for path, ops in spec["paths"].items()
        for method in ops
        # signing in as generated users would only trip the login rate limit (tested apart)
        if path != "/auth/token"
    )


OPERATIONS = _operations()


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_server_error_and_responses_match_the_schema(
    fuzz_app: FastAPI, admin_headers: dict[str, str], method: str, path: str
) -> None:
    operation = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)[path][method]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: schemathesis.Case) -> None:
        case.call_and_validate(
            headers=admin_headers, checks=[not_a_server_error, response_schema_conformance]
        )

    fuzz()
