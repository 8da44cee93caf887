"""Passwords, CSRF tokens, cookies and the sign-in rate limit.

- Passwords are hashed with argon2id (argon2-cffi's defaults).
- Every browser gets a random CSRF cookie (HttpOnly); a form carries HMAC(secret key, cookie value), so a
  page on another site can neither read nor forge it. JSON clients send the same token in X-CSRF-Token.
- Cookies are HttpOnly and SameSite=Lax, and Secure over HTTPS (see the ``secure_cookies`` setting).
- Failed sign-ins are counted per account and per address in a sliding window.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

    from .settings import Settings

SESSION_COOKIE = "equipoise_session"
CSRF_COOKIE = "equipoise_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class Passwords:
    """argon2id hashing and checking of passwords (argon2-cffi's defaults unless told otherwise)."""

    def __init__(self, **parameters: int) -> None:
        from argon2 import PasswordHasher

        self._hasher = PasswordHasher(**parameters)

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """True when ``password`` matches; a missing hash still costs one hash, so timing tells nothing."""
        from argon2.exceptions import InvalidHashError, VerificationError

        if not password_hash:
            self._hasher.hash(password)
            return False
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


MIN_PASSWORD_LENGTH = 10


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Please choose a password of at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > 512:
        return "Please choose a password of at most 512 characters."
    return None


def csrf_token(secret: str, seed: str) -> str:
    """The token a form must carry for the browser whose CSRF cookie is ``seed``."""
    return hmac.new(secret.encode(), seed.encode(), hashlib.sha256).hexdigest()


def csrf_valid(secret: str, seed: str | None, token: str | None) -> bool:
    if not seed or not token:
        return False
    return hmac.compare_digest(csrf_token(secret, seed), token)


def new_csrf_seed() -> str:
    return secrets.token_urlsafe(32)


def cookie_is_secure(settings: Settings, request: Request) -> bool:
    if settings.secure_cookies == "always":
        return True
    if settings.secure_cookies == "never":
        return False
    return request.url.scheme == "https"


def set_cookie(response: Response, settings: Settings, request: Request, name: str, value: str,
               max_age: int | None) -> None:
    """Set a cookie the way every Equipoise cookie is set: HttpOnly, SameSite=Lax, Secure over HTTPS."""
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax", path="/",
                        secure=cookie_is_secure(settings, request))


class LoginLimiter:
    """Counts failed sign-ins per key in a sliding window; thread-safe, in memory, per app."""

    MAX_KEYS = 10_000

    def __init__(self, max_failures: int, window_seconds: int, clock: object = time.monotonic) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _now(self) -> float:
        return float(self._clock())  # type: ignore[operator]

    def _recent(self, key: str, now: float) -> deque[float]:
        entries = self._failures.setdefault(key, deque())
        while entries and entries[0] <= now - self.window:
            entries.popleft()
        return entries

    def retry_after(self, keys: list[str]) -> int:
        """Seconds until another attempt is allowed for all ``keys`` (0: allowed now)."""
        now = self._now()
        wait = 0.0
        with self._lock:
            for key, limit in zip(keys, self._limits(keys), strict=True):
                entries = self._recent(key, now)
                if len(entries) >= limit:
                    wait = max(wait, entries[len(entries) - limit] + self.window - now)
        return int(wait) + 1 if wait > 0 else 0

    def _limits(self, keys: list[str]) -> list[int]:
        # An address may try several accounts (a shared practice computer), so it gets more room.
        return [self.max_failures * (4 if key.startswith("ip:") else 1) for key in keys]

    def fail(self, keys: list[str]) -> None:
        now = self._now()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)
            if len(self._failures) > self.MAX_KEYS:  # many made-up accounts: forget what has expired
                for key in [k for k in self._failures if not self._recent(k, now)]:
                    del self._failures[key]

    def succeed(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                if not key.startswith("ip:"):
                    self._failures.pop(key, None)
