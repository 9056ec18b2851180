"""Roles and permissions, passwords, tokens, API keys and the login rate limit (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chainmap.auth.credentials import (
    API_KEY_PREFIX,
    LoginLimiter,
    api_key_digest,
    hash_password,
    issue_token,
    new_api_key,
    read_token,
    verify_password,
)
from chainmap.auth.model import (
    ROLE_PERMISSIONS,
    NotAuthenticated,
    Permission,
    Principal,
    Role,
    TooManyAttempts,
    can,
    sees_chain,
    visible_chains,
)
from chainmap.cli import _command_line

SECRET = "s" * 32


def principal(role: Role, chains: frozenset[str] | None = None) -> Principal:
    return Principal(user_id=1, username=role.value, role=role, chains=chains)


@pytest.mark.parametrize(
    ("role", "allowed", "refused"),
    [
        (Role.admin, list(Permission), []),
        (
            Role.secretariat,
            [Permission.meetings_read, Permission.leads_read, Permission.carriers_read],
            [Permission.leads_write, Permission.carriers_write, Permission.audit_read],
        ),
        (
            Role.bureau,
            [Permission.carriers_write, Permission.enterprises_write, Permission.leads_read],
            [Permission.leads_write, Permission.meetings_read, Permission.status_write],
        ),
        (
            Role.chain_leader,
            [Permission.leads_write, Permission.status_write, Permission.targets_read],
            [Permission.carriers_write, Permission.meetings_read, Permission.leads_import],
        ),
        (
            Role.viewer,
            [Permission.chains_read, Permission.targets_read, Permission.carriers_read],
            [Permission.leads_read, Permission.enterprises_write, Permission.meetings_read],
        ),
    ],
)
def test_each_role_grants_what_it_should_and_nothing_more(
    role: Role, allowed: list[Permission], refused: list[Permission]
) -> None:
    p = principal(role, frozenset({"nev-battery"}) if role is Role.chain_leader else None)
    assert all(can(p, perm) for perm in allowed)
    assert not any(can(p, perm) for perm in refused)
    assert can(p, Permission.public) and can(p, Permission.self_read)


def test_only_admins_manage_users_and_read_the_audit_trail() -> None:
    holders = {r for r, perms in ROLE_PERMISSIONS.items() if Permission.users_manage in perms}
    assert holders == {Role.admin}
    holders = {r for r, perms in ROLE_PERMISSIONS.items() if Permission.audit_read in perms}
    assert holders == {Role.admin}


def test_chain_leaders_see_their_chains_only() -> None:
    leader = principal(Role.chain_leader, frozenset({"nev-battery", "hydrogen"}))
    assert sees_chain(leader, "hydrogen") and not sees_chain(leader, "biomedicine")
    assert visible_chains(leader, ["biomedicine", "hydrogen", "nev-battery"]) == [
        "hydrogen",
        "nev-battery",
    ]
    assert not sees_chain(principal(Role.chain_leader, None), "nev-battery")  # no chains: none
    assert sees_chain(principal(Role.secretariat), "biomedicine")


def test_passwords_are_salted_argon2_hashes() -> None:
    a, b = hash_password("招商引资2026"), hash_password("招商引资2026")
    assert a != b and a.startswith("$argon2id$")
    assert verify_password(a, "招商引资2026") and not verify_password(a, "招商引资2025")
    assert not verify_password("not a hash", "招商引资2026")


def test_tokens_carry_the_user_and_expire() -> None:
    fresh = issue_token(
        user_id=42,
        token_version=3,
        secret=SECRET,
        ttl=timedelta(minutes=5),
        now=datetime.now(UTC),
    )
    got = read_token(fresh, secret=SECRET)
    assert (got.user_id, got.token_version) == (42, 3)
    with pytest.raises(NotAuthenticated, match="invalid"):
        read_token(fresh, secret="another secret of enough length!")
    with pytest.raises(NotAuthenticated, match="invalid"):
        read_token(fresh[:-2] + ("A" if fresh[-1] != "A" else "B") + fresh[-1], secret=SECRET)
    with pytest.raises(NotAuthenticated, match="invalid"):
        read_token("garbage", secret=SECRET)


def test_expired_token_is_refused() -> None:
    old = issue_token(
        user_id=1,
        token_version=1,
        secret=SECRET,
        ttl=timedelta(minutes=1),
        now=datetime.now(UTC) - timedelta(hours=1),
    )
    with pytest.raises(NotAuthenticated) as err:
        read_token(old, secret=SECRET)
    assert "过期" in err.value.message_zh


def test_api_keys_are_random_and_stored_as_digests() -> None:
    key, digest = new_api_key()
    other, _ = new_api_key()
    assert key.startswith(API_KEY_PREFIX) and key != other and len(key) > 40
    assert digest == api_key_digest(key) and key not in digest and len(digest) == 64


def test_login_limiter_counts_failures_in_a_sliding_window() -> None:
    limiter = LoginLimiter(attempts=3, window=60)
    for t in (0, 10, 20):
        limiter.check("li|1.2.3.4", now=t)
        limiter.failed("li|1.2.3.4", now=t)
    with pytest.raises(TooManyAttempts) as err:
        limiter.check("li|1.2.3.4", now=30)
    assert err.value.retry_after == 31  # the first failure leaves the window at t = 60
    limiter.check("wang|1.2.3.4", now=30)  # other users are not affected
    limiter.check("li|1.2.3.4", now=61)  # the oldest failure has left the window
    limiter.succeeded("li|1.2.3.4")
    for t in (62, 63):
        limiter.failed("li|1.2.3.4", now=t)
    limiter.check("li|1.2.3.4", now=64)  # a success reset the count


def test_cli_audit_line_masks_passwords() -> None:
    assert _command_line(["users", "add", "li", "--password", "秘密123456"]) == (
        "chainmap users add li --password ***"
    )
    assert _command_line(["users", "add", "li", "--password=秘密123456"]) == (
        "chainmap users add li --password=***"
    )


@pytest.mark.parametrize("name", ["chainmap.auth.model", "chainmap.auth.credentials"])
def test_docstring_examples(name: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
