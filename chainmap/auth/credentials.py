"""Passwords (Argon2id, argon2-cffi), signed access tokens (JWT HS256, PyJWT), API keys, and
the login rate limit. No database: the user store is :mod:`chainmap.users`.

>>> hashed = hash_password("correct horse")
>>> verify_password(hashed, "correct horse"), verify_password(hashed, "wrong")
(True, False)
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from chainmap.auth.model import NotAuthenticated, TooManyAttempts

_HASHER = PasswordHasher()  # argon2-cffi's RFC 9106 low-memory profile (Argon2id)
_ALGORITHM = "HS256"
API_KEY_PREFIX = "cmk_"
PASSWORD_MIN_LENGTH = 8


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def _dummy_hash() -> str:
    return _HASHER.hash(secrets.token_urlsafe(16))


def burn_verification(password: str) -> None:
    """Verify against a throwaway hash, so that a wrong username takes as long as a wrong
    password (no user enumeration by timing)."""
    verify_password(_dummy_hash(), password)


@dataclass(frozen=True, slots=True)
class TokenClaims:
    user_id: int
    token_version: int
    expires_at: datetime


def issue_token(
    *, user_id: int, token_version: int, secret: str, ttl: timedelta, now: datetime
) -> str:
    """A signed bearer token. Bumping the user's ``token_version`` revokes every token."""
    claims = {
        "sub": str(user_id),
        "ver": token_version,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm=_ALGORITHM)


def read_token(token: str, *, secret: str) -> TokenClaims:
    """The token's claims; NotAuthenticated if it is forged, malformed or expired."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[_ALGORITHM], options={"require": ["sub", "exp", "ver"]}
        )
        return TokenClaims(
            int(claims["sub"]),
            int(claims["ver"]),
            datetime.fromtimestamp(int(claims["exp"]), UTC),
        )
    except jwt.ExpiredSignatureError:
        raise NotAuthenticated("登录已过期，请重新登录", "the token has expired") from None
    except (jwt.InvalidTokenError, ValueError, TypeError):
        raise NotAuthenticated("令牌无效，请重新登录", "the token is invalid") from None


def new_api_key() -> tuple[str, str]:
    """``(key, digest)``: the key is shown once; only its SHA-256 digest is stored (keys are
    long random strings, so a fast hash is enough and lookups stay one index probe)."""
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    return key, api_key_digest(key)


def api_key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class LoginLimiter:
    """At most ``attempts`` failed logins per key (username and client address) in a sliding
    ``window`` of seconds; thread-safe, per process."""

    def __init__(self, *, attempts: int, window: float) -> None:
        self.attempts, self.window = attempts, window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, key: str, *, now: float | None = None) -> None:
        """Raise TooManyAttempts while ``key`` is over the limit."""
        t = time.monotonic() if now is None else now
        with self._lock:
            recent = self._prune(key, t)
            if not recent:
                del self._failures[key]  # nothing to remember: keep the table small
            elif len(recent) >= self.attempts:
                raise TooManyAttempts(max(1, int(recent[0] + self.window - t) + 1))

    def failed(self, key: str, *, now: float | None = None) -> None:
        t = time.monotonic() if now is None else now
        with self._lock:
            self._prune(key, t).append(t)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _prune(self, key: str, t: float) -> deque[float]:
        recent = self._failures.setdefault(key, deque())
        while recent and recent[0] <= t - self.window:
            recent.popleft()
        return recent
