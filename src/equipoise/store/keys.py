"""The data key: what encrypts transcripts, profiles, check-ins and reflections at rest.

Encryption is Fernet (AES-128-CBC with HMAC-SHA256, from the ``cryptography`` package) per field. The
key never lives in the database. It comes, in this order, from

1. the environment variable ``EQUIPOISE_DATA_KEY`` (one or more comma-separated Fernet keys), or
2. a key file (one key per line), created with mode 0600 on first start when it does not exist.

The first key encrypts; the others still decrypt, which is what makes rotation safe (see
:func:`rotate`): a new key is put first, every encrypted field is re-encrypted with it, and only then are
the old keys dropped. The installation's signing secret is derived from the first key, so a copy of the
database holds neither.

>>> ring = Keyring.generate()
>>> ring.decrypt(ring.encrypt(b"hello"))
b'hello'
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import EquipoiseError, UsageError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

ENV_VAR = "EQUIPOISE_DATA_KEY"

class DataKeyError(EquipoiseError):
    """The data key is missing, malformed or does not open the stored data."""


class Keyring:
    """The data keys of an installation; the first one encrypts, every one decrypts."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        from cryptography.fernet import Fernet, MultiFernet

        if not keys:
            raise DataKeyError("no data key given")
        try:
            self._fernets = [Fernet(k) for k in keys]
        except ValueError:
            # Never echo the value: it is a secret.
            raise DataKeyError("a data key is not a valid Fernet key (32 url-safe base64-encoded bytes); "
                            "make one with `equipoise rotate-key` or Fernet.generate_key()") from None
        self.keys = tuple(keys)
        self._multi = MultiFernet(self._fernets)

    @classmethod
    def generate(cls) -> Keyring:
        from cryptography.fernet import Fernet

        return cls([Fernet.generate_key()])

    def encrypt(self, data: bytes) -> str:
        return self._multi.encrypt(data).decode("ascii")

    def decrypt(self, token: str) -> bytes:
        from cryptography.fernet import InvalidToken

        try:
            return self._multi.decrypt(token.encode("ascii"))
        except (InvalidToken, UnicodeError):
            raise DataKeyError("stored data cannot be decrypted with the configured data key (was the key "
                               "file replaced, or EQUIPOISE_DATA_KEY changed without `equipoise "
                               "rotate-key`?)") from None

    def rotate(self, token: str) -> str:
        """``token`` re-encrypted with the first key."""
        from cryptography.fernet import InvalidToken

        try:
            return self._multi.rotate(token.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeError):
            raise DataKeyError("a stored field cannot be decrypted with any configured key") from None

    def secret(self, purpose: str) -> str:
        """A secret for ``purpose`` (e.g. signing CSRF tokens) derived from the first key."""
        return hmac.new(self.keys[0], f"equipoise {purpose}".encode(), hashlib.sha256).hexdigest()

    def with_new_key(self) -> Keyring:
        """This keyring with a freshly generated key in front."""
        from cryptography.fernet import Fernet

        return Keyring([Fernet.generate_key(), *self.keys])


def parse_keys(text: str) -> list[bytes]:
    return [part.strip().encode("ascii") for part in text.replace(",", "\n").splitlines() if part.strip()]


def write_key_file(path: Path, keys: Sequence[bytes]) -> None:
    """Write ``keys`` to ``path`` (mode 0600) atomically: a crash leaves the old or the new file."""
    from ..files import private_folder

    private_folder(path.parent)
    fresh = path.with_name(f".{path.name}.new")
    fresh.unlink(missing_ok=True)
    fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(b"".join(k + b"\n" for k in keys))
        handle.flush()
        os.fsync(handle.fileno())
    fresh.replace(path)


def load_keyring(key_file: Path | None, data_key: str = "", *, create: bool = True) -> Keyring:
    """The keyring from ``data_key`` (the value of ``EQUIPOISE_DATA_KEY``) if given, else from
    ``key_file``, which is created (0600) when missing and ``create``."""
    if data_key.strip():
        return Keyring(parse_keys(data_key))
    if key_file is None:
        raise UsageError(f"no data key: set {ENV_VAR}, or the key_file setting (EQUIPOISE_KEY_FILE)")
    if not key_file.exists():
        if not create:
            raise UsageError(f"no key file at {key_file}; nothing to rotate")
        ring = Keyring.generate()
        write_key_file(key_file, ring.keys)
        return ring
    if key_file.stat().st_mode & 0o077:
        os.chmod(key_file, 0o600)  # an older or hand-made file: make it private before trusting it
    return Keyring(parse_keys(key_file.read_text(encoding="ascii", errors="replace")))


def default_key_file(database_url: str) -> Path | None:
    """Beside a SQLite file (``practice.db`` -> ``practice.db.key``); None for other databases."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:" \
            or url.database.startswith("file:"):
        return None
    return Path(f"{url.database}.key")


def reencrypt(engine: Engine, ring: Keyring) -> int:
    """Re-encrypt every encrypted field with ``ring``'s first key, in one transaction; returns the count."""
    from sqlalchemy import column, select, table, update

    from .encrypted import encrypted_columns
    from .models import Base

    count = 0
    with engine.begin() as connection:
        for name, (pk, columns) in encrypted_columns(Base.metadata).items():
            target = table(name, column(pk), *(column(c) for c in columns))
            for row in connection.execute(select(target)).mappings().all():
                values: dict[str, Any] = {c: ring.rotate(row[c]) for c in columns if row[c] is not None}
                if values:
                    connection.execute(update(target).where(target.c[pk] == row[pk]).values(**values))
                    count += len(values)
    return count


def rotate(engine: Engine, key_file: Path | None, data_key: str = "") -> tuple[Keyring, int]:
    """Put a new key in front, re-encrypt everything with it, then drop the old keys.

    With a key file, the file first holds the new and the old keys (so a crash at any point leaves every
    field readable), then the new key only. With ``data_key`` (``EQUIPOISE_DATA_KEY``) nothing is
    written: the caller shows the new key to the operator, who replaces the variable.
    """
    from .encrypted import KEYRING_ATTRIBUTE

    old = load_keyring(key_file, data_key, create=False)
    both = old.with_new_key()
    use_file = not data_key.strip() and key_file is not None
    if use_file:
        write_key_file(key_file, both.keys)  # type: ignore[arg-type]
    count = reencrypt(engine, both)
    new = Keyring(both.keys[:1])
    if use_file:
        write_key_file(key_file, new.keys)  # type: ignore[arg-type]
    setattr(engine.dialect, KEYRING_ATTRIBUTE, new)
    return new, count
