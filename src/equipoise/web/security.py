"""Passwords, CSRF tokens, cookies and the sign-in rate limit.

- Passwords are hashed with argon2id (argon2-cffi's defaults).
- Every browser gets a random CSRF cookie (HttpOnly); a form carries HMAC(secret key, cookie value), so a
  page on another site can neither read nor forge it. JSON clients send the same token in X-CSRF-Token.
- Cookies are HttpOnly and SameSite=Lax, and Secure over HTTPS (see the ``secure_cookies`` setting).
- Failed sign-ins are counted in the database per address, per account and per pair (see LoginLimiter).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session
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


def common_passwords() -> frozenset[str]:
    """Passwords of ten characters or more that are among the most used (lower case), as NIST SP
    800-63B asks a verifier to refuse."""
    from importlib import resources

    text = resources.files("equipoise").joinpath("data/common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip()
                     and not line.startswith("#"))


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None.

    >>> password_problem("aaaaaaaaaa") is not None, password_problem("correct horse battery") is None
    (True, True)
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Please choose a password of at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > 512:
        return "Please choose a password of at most 512 characters."
    if len(set(password.strip())) < 4:
        return "Please choose a password with more than a few different characters."
    if password.strip().lower() in common_passwords():
        return "This password is among the most commonly used ones; please choose another."
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
    """Counts failed sign-ins in the database, so that no stranger can lock an owner out.

    Three counts over a sliding window, each with its own limit:

    - the pair (address, account): ``max_failures``; this is what slows down guessing one password;
    - the address: four times as many (a shared practice computer may mistype several accounts);
    - the account, from everywhere: ten times as many, and it does not apply to a *known device* (a
      browser that signed in to this account before and kept its device cookie).

    Failures from an attacker's addresses therefore never block the owner's own address or device.
    Counters live in the database and survive a restart; only SHA-256 hashes of the keys are stored.
    """

    ADDRESS_FACTOR = 4
    ACCOUNT_FACTOR = 10

    def __init__(self, max_failures: int, window_seconds: int, clock: object = time.time) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self._clock = clock

    def _now(self) -> float:
        return float(self._clock())  # type: ignore[operator]

    @staticmethod
    def _hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    def _keys(self, address: str, account: str) -> dict[str, str]:
        return {"pair": self._hash(f"pair:{address}|{account}"), "address": self._hash(f"ip:{address}"),
                "account": self._hash(f"user:{account}")}

    def retry_after(self, db: Session, address: str, account: str, *, known_device: bool = False) -> int:
        """Seconds until this address may try this account again (0: allowed now)."""
        from sqlalchemy import select

        from ..store.models import LoginFailure

        now = self._now()
        limits = {"pair": self.max_failures, "address": self.max_failures * self.ADDRESS_FACTOR,
                  "account": self.max_failures * self.ACCOUNT_FACTOR}
        wait = 0.0
        for kind, key in self._keys(address, account).items():
            if kind == "account" and known_device:
                continue
            limit = limits[kind]
            times = list(db.scalars(select(LoginFailure.at).where(LoginFailure.key_hash == key,
                                                                  LoginFailure.at > now - self.window)
                                    .order_by(LoginFailure.at.desc()).limit(limit)))
            if len(times) >= limit:
                wait = max(wait, times[-1] + self.window - now)
        return int(wait) + 1 if wait > 0 else 0

    def fail(self, db: Session, address: str, account: str) -> None:
        from sqlalchemy import delete

        from ..store.models import LoginFailure

        now = self._now()
        db.execute(delete(LoginFailure).where(LoginFailure.at <= now - self.window))
        db.add_all(LoginFailure(key_hash=key, at=now) for key in self._keys(address, account).values())
        db.flush()

    def succeed(self, db: Session, address: str, account: str) -> None:
        """The right password from this address: its pair starts afresh (the other counts stay)."""
        from sqlalchemy import delete

        from ..store.models import LoginFailure

        db.execute(delete(LoginFailure).where(LoginFailure.key_hash == self._keys(address, account)["pair"]))


DEVICE_COOKIE = "equipoise_device"
DEVICE_MAX_AGE = 365 * 24 * 3600


def device_token(secret: str, user_id: int) -> str:
    """The device cookie of a browser that signed in to account ``user_id``."""
    mac = hmac.new(secret.encode(), f"device:{user_id}".encode(), hashlib.sha256).hexdigest()
    return f"{user_id}.{mac}"


def known_device(secret: str, cookie: str | None, user_id: int | None) -> bool:
    if not cookie or user_id is None:
        return False
    return hmac.compare_digest(device_token(secret, user_id), cookie)
