"""Column types that encrypt on the way in and decrypt on the way out (see :mod:`equipoise.store.keys`).

The keyring belongs to the engine: :func:`equipoise.store.open_engine` puts it on the engine's dialect,
which SQLAlchemy hands to every conversion. An engine without a keyring refuses to store or read these
columns rather than write them in plain text.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import MetaData, Text
from sqlalchemy.types import TypeDecorator

from .keys import DataKeyError, Keyring

KEYRING_ATTRIBUTE = "equipoise_keyring"


def keyring_of(dialect: Any) -> Keyring:
    ring = getattr(dialect, KEYRING_ATTRIBUTE, None)
    if ring is None:
        raise DataKeyError("this database engine has no data key; open it with open_engine(url, keys=...)")
    return ring


class EncryptedText(TypeDecorator[str]):
    """A text column stored as a Fernet token."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else keyring_of(dialect).encrypt(value.encode("utf-8"))

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else keyring_of(dialect).decrypt(value).decode("utf-8")


class EncryptedJSON(TypeDecorator[Any]):
    """A JSON document stored as a Fernet token (so it cannot be queried inside the database)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        data = json.dumps(value, separators=(",", ":"), allow_nan=True).encode("utf-8")
        return keyring_of(dialect).encrypt(data)

    def process_result_value(self, value: str | None, dialect: Any) -> Any:
        return None if value is None else json.loads(keyring_of(dialect).decrypt(value))


def encrypted_columns(metadata: MetaData) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Every encrypted column of ``metadata``: table -> (primary key column, encrypted columns).

    Read from the models' column types, so a column made encrypted there is also rotated; a table with
    an encrypted column needs a one-column primary key.

    >>> from equipoise.store.models import Base
    >>> encrypted_columns(Base.metadata)["transcripts"]
    ('session_id', ('turns',))
    """
    found: dict[str, tuple[str, tuple[str, ...]]] = {}
    for table in metadata.sorted_tables:
        columns = tuple(c.name for c in table.columns if isinstance(c.type, EncryptedText | EncryptedJSON))
        if not columns:
            continue
        (pk,) = table.primary_key.columns  # rotation updates one row at a time, by its key
        found[table.name] = (pk.name, columns)
    return found
