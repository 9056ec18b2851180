"""Sign-in, API keys, revocation, the login rate limit, chain-leader scoping, the audit trail and
security headers, through the real app with real authentication."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from chainmap.domain import Chain
from chainmap.store.models import UserRow
from chainmap.users import create_user

PASSWORD = "招商引资-2026"


def add_user(
    session: Session, library: dict[str, Chain], username: str, role: str, **kw: Any
) -> None:
    create_user(session, library, username=username, password=PASSWORD, role=role, **kw)
    session.commit()


def login(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    return client.post("/auth/token", data={"username": username, "password": password})


def headers(client: TestClient, username: str) -> dict[str, str]:
    r = login(client, username)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture
def users(session: Session, library: dict[str, Chain]) -> None:
    add_user(session, library, "admin", "admin", display_name="王管理")
    add_user(session, library, "li", "chain_leader", chains=["nev-battery"], display_name="李链长")
    add_user(session, library, "mishu", "secretariat")
    add_user(session, library, "guancha", "viewer")


def test_sign_in_then_who_am_i(auth_client: TestClient, users: None) -> None:
    h = headers(auth_client, "li")
    me = auth_client.get("/auth/me", headers=h).json()
    assert me["username"] == "li" and me["role"] == "chain_leader"
    assert me["chains"] == ["nev-battery"] and me["role_label"] == "链长/产业链工作组"
    # the pages show a chain leader the override and create-lead buttons, not the meeting pack
    assert {"status:write", "leads:write"} <= set(me["permissions"])
    assert "meetings:read" not in me["permissions"]
    viewer = auth_client.get("/auth/me", headers=headers(auth_client, "guancha")).json()
    assert not [p for p in viewer["permissions"] if p.endswith(":write")]


def test_wrong_password_and_unknown_user_get_the_same_answer(
    auth_client: TestClient, users: None
) -> None:
    wrong, unknown = login(auth_client, "li", "nope-nope"), login(auth_client, "nobody")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["message_zh"] == unknown.json()["message_zh"] == "用户名或密码错误"
    assert wrong.headers["www-authenticate"] == "Bearer"


def test_no_credentials_is_401_but_health_is_public(auth_client: TestClient) -> None:
    r = auth_client.get("/chains")
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"
    assert "登录" in r.json()["message_zh"]
    assert auth_client.get("/health").status_code == 200
    bad = auth_client.get("/chains", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401 and bad.json()["message_en"] == "the token is invalid"


def test_login_is_rate_limited(auth_client: TestClient, users: None) -> None:
    for _ in range(5):
        assert login(auth_client, "li", "wrong-password").status_code == 401
    blocked = login(auth_client, "li")  # even the right password, while blocked
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    assert "登录尝试过多" in blocked.json()["message_zh"]
    assert login(auth_client, "mishu").status_code == 200  # other users are not blocked


def test_api_keys_act_as_their_user_and_tokens_can_be_revoked(
    auth_client: TestClient, users: None, session: Session
) -> None:
    admin = headers(auth_client, "admin")
    r = auth_client.post("/auth/users/mishu/api-keys", json={"name": "调度会系统"}, headers=admin)
    assert r.status_code == 201
    key = r.json()["key"]
    me = auth_client.get("/auth/me", headers={"X-API-Key": key}).json()
    assert me["username"] == "mishu" and me["via_api_key"] is True
    assert auth_client.get("/auth/me", headers={"X-API-Key": key + "x"}).status_code == 401
    viewer = headers(auth_client, "guancha")
    assert auth_client.get("/auth/me", headers=viewer).status_code == 200
    session.execute(update(UserRow).where(UserRow.username == "guancha").values(token_version=2))
    session.commit()
    revoked = auth_client.get("/auth/me", headers=viewer)
    assert revoked.status_code == 401 and "失效" in revoked.json()["message_zh"]


def test_only_admins_create_users(auth_client: TestClient, users: None) -> None:
    body = {"username": "zhao", "password": "abcdefgh1", "role": "bureau"}
    assert (
        auth_client.post(
            "/auth/users", json=body, headers=headers(auth_client, "mishu")
        ).status_code
        == 403
    )
    made = auth_client.post("/auth/users", json=body, headers=headers(auth_client, "admin"))
    assert made.status_code == 201 and made.json()["role"] == "bureau"
    again = auth_client.post("/auth/users", json=body, headers=headers(auth_client, "admin"))
    assert again.status_code == 422 and again.json()["field"] == "username"
    leader = {**body, "username": "qian", "role": "chain_leader", "chains": ["no-such-chain"]}
    r = auth_client.post("/auth/users", json=leader, headers=headers(auth_client, "admin"))
    assert r.status_code == 422 and r.json()["field"] == "chains"


def _lead(client: TestClient, h: dict[str, str], name: str, chain: str, product: str) -> int:
    e = client.post(
        "/enterprises",
        json={"name": name, "province": "江苏省", "city": "常州市", "main_products": [product]},
        headers=h,
    )
    assert e.status_code == 201, e.text
    r = client.post(
        "/leads",
        json={
            "enterprise_id": e.json()["id"],
            "chain_id": chain,
            "owner_team": "尖刀班一组",
            "owner_team_kind": "spearhead_team",
            "owner_person": "张伟",
            "actor": "张伟",
        },
        headers=h,
    )
    assert r.status_code == 201, r.text
    lead_id: int = r.json()["id"]
    return lead_id


def test_a_chain_leader_never_sees_another_chains_leads(
    auth_client: TestClient, users: None
) -> None:
    admin = headers(auth_client, "admin")
    ours = _lead(auth_client, admin, "常州隔膜科技有限公司", "nev-battery", "湿法隔膜")
    theirs = _lead(auth_client, admin, "苏州抗体药业有限公司", "biomedicine", "单克隆抗体")
    li = headers(auth_client, "li")
    listed = auth_client.get("/leads", headers=li).json()
    assert [row["id"] for row in listed["items"]] == [ours] and listed["total"] == 1
    assert auth_client.get("/leads", params={"chain": "biomedicine"}, headers=li).status_code == 404
    assert auth_client.get(f"/leads/{theirs}", headers=li).status_code == 404
    moved = auth_client.post(
        f"/leads/{theirs}/transitions",
        json={"to_stage": "contact", "changed_on": "2026-11-01", "actor": "李"},
        headers=li,
    )
    assert moved.status_code == 404
    assert auth_client.get(f"/leads/{ours}", headers=li).status_code == 200
    assert [c["id"] for c in auth_client.get("/chains", headers=li).json()] == ["nev-battery"]
    assert auth_client.get("/chains/biomedicine/gaps", headers=li).status_code == 404
    assert auth_client.get("/chains/nev-battery/gaps", headers=li).status_code == 200
    flagged = auth_client.get("/leads/flags", params={"today": "2027-12-01"}, headers=li).json()
    assert all(f["lead_id"] == ours for f in flagged)
    assert (
        auth_client.get("/meetings/bimonthly", params={"period": "2026-09"}, headers=li).status_code
        == 403
    )
    # the secretariat reads every chain's leads
    everything = auth_client.get("/leads", headers=headers(auth_client, "mishu")).json()
    assert {row["id"] for row in everything["items"]} == {ours, theirs}


def test_every_write_is_in_the_audit_trail_with_before_and_after(
    auth_client: TestClient, users: None, session: Session
) -> None:
    admin = headers(auth_client, "admin")
    e = auth_client.post(
        "/enterprises",
        json={"name": "赣州稀土新材料有限公司", "province": "江西省", "city": "赣州市"},
        headers=admin,
    ).json()
    auth_client.patch(f"/enterprises/{e['id']}", json={"city": "南昌市"}, headers=admin)
    trail = auth_client.get(
        "/audit", params={"table": "enterprises", "record_id": str(e["id"])}, headers=admin
    ).json()
    actions = [item["action"] for item in trail["items"]]
    assert actions == ["update", "insert"]  # newest first
    change, created = trail["items"]
    assert change["before"]["city"] == "赣州市" and change["after"]["city"] == "南昌市"
    assert created["after"]["name"] == "赣州稀土新材料有限公司"
    assert change["actor"] == created["actor"] == "王管理"
    assert change["request"] == "PATCH /enterprises/{enterprise_id}"
    requests = auth_client.get("/audit", params={"action": "request"}, headers=admin).json()
    assert requests["total"] >= 2
    users_trail = auth_client.get("/audit", params={"table": "users"}, headers=admin).json()
    assert all(i["after"]["password_hash"] == "***" for i in users_trail["items"])
    assert auth_client.get("/audit", headers=headers(auth_client, "mishu")).status_code == 403
    for sql in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
            session.execute(text(sql))


def test_security_headers_and_no_internals_in_errors(auth_client: TestClient) -> None:
    r = auth_client.get("/health")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    missing = auth_client.get("/no/such/route")
    assert missing.status_code == 404 and "Traceback" not in missing.text


def test_a_chain_leader_without_chains_sees_no_leads(client: TestClient) -> None:
    from api.auth import get_principal
    from chainmap.auth.model import Principal, Role

    _lead(client, {}, "常州隔膜科技有限公司", "nev-battery", "湿法隔膜")
    assert client.get("/leads").json()["total"] == 1  # the admin sees it
    nobody = Principal(user_id=9, username="empty", role=Role.chain_leader, chains=None)
    client.app.dependency_overrides[get_principal] = lambda: nobody  # type: ignore[attr-defined]
    assert client.get("/leads").json()["total"] == 0
    assert client.get("/leads/flags", params={"today": "2030-01-01"}).json() == []
    assert client.get("/leads/metrics", params={"period": "2026-09"}).json()[0]["leads"] == 0
