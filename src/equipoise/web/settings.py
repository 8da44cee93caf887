"""The web app's settings: one declared table (name, default, help) read at the edge.

Each setting can be given to :func:`Settings.from_env` through an environment variable
``EQUIPOISE_<NAME>`` (upper case); ``equipoise serve`` options override those. The same table feeds
``docs/web.md``, and a test fails when a setting is undocumented.

>>> Settings().max_upload_bytes
5000000
>>> Settings.from_env({"EQUIPOISE_MAX_UPLOAD_BYTES": "1000"}).max_upload_bytes
1000
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import UsageError

if TYPE_CHECKING:
    from ..store.keys import Keyring


@dataclass(frozen=True, slots=True)
class Setting:
    """One declared setting: its name, default, type and what it does."""

    name: str
    default: Any
    help: str

    @property
    def env_var(self) -> str:
        return f"EQUIPOISE_{self.name.upper()}"


SETTINGS: tuple[Setting, ...] = (
    Setting("database_url", "sqlite:///equipoise.db",
            "SQLAlchemy URL of the database: a SQLite file by default (created on first start), or "
            "postgresql+psycopg://user:password@host/dbname. Migrations run on startup."),
    Setting("secret_key", "",
            "Key that signs CSRF tokens. Empty: one is derived from the data key (never stored in the "
            "database)."),
    Setting("data_key", "",
            "Fernet key(s) that encrypt transcripts, profiles, check-ins and reflections at rest, "
            "comma-separated, the first one encrypting. Empty: the key file is used."),
    Setting("key_file", "",
            "File holding the data key(s), one per line, created with mode 0600 on first start. Empty: "
            "beside a SQLite database (practice.db.key); other databases need data_key or key_file. "
            "Change keys with `equipoise rotate-key`."),
    Setting("max_upload_bytes", 5_000_000,
            "Largest accepted request body (an uploaded or pasted transcript) in bytes; larger ones "
            "get 413."),
    Setting("analysis_seconds", 60,
            "Longest a request waits while an upload (or a corrected session) is read and analysed; "
            "over it, the user is told and nothing is stored."),
    Setting("analysis_workers", 2,
            "Most transcripts read and analysed at the same time; a further one waits for a place, "
            "within analysis_seconds."),
    Setting("analysis_memory_mb", 2048,
            "Most memory, in MB, that reading and analysing one upload may take: each runs in a process "
            "of its own with that limit, and is stopped at analysis_seconds; 0 analyses in a thread of the "
            "server process instead (no memory limit, and work that overran finishes in the background)."),
    Setting("workers", 2,
            "Server processes of `equipoise serve`, each answering requests on its own core (pages, "
            "reports, uploads); 1 serves from one process. Each process has its own analysis_workers."),
    Setting("session_max_age_seconds", 8 * 3600,
            "How long a sign-in lasts before the user has to sign in again."),
    Setting("invite_max_age_seconds", 7 * 24 * 3600,
            "How long a one-time invitation link for a client stays valid."),
    Setting("login_max_failures", 5,
            "Failed sign-ins allowed per address and account within login_window_seconds before that "
            "address is refused with 429 for that account; an address gets four times as many over all "
            "accounts, and an account ten times as many from everywhere, except from a browser that "
            "signed in to it before (so strangers cannot lock the owner out)."),
    Setting("login_window_seconds", 15 * 60,
            "Window over which failed sign-ins are counted."),
    Setting("secure_cookies", "auto",
            "auto: cookies carry Secure when the request came over HTTPS (behind a reverse proxy, as "
            "its X-Forwarded-Proto says when it is one of trusted_proxies); always: always Secure; never: "
            "never Secure (local HTTP only)."),
    Setting("base_url", "",
            "Address of the site as clients reach it (e.g. https://equipoise.example.org), used to build "
            "invitation and check-in links; never taken from the request's Host header. Empty: equipoise "
            "serve uses http://HOST:PORT; elsewhere links are given as paths."),
    Setting("trusted_proxies", "",
            "Comma-separated addresses of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto "
            "`equipoise serve` believes (e.g. 127.0.0.1). Empty: none, so no client can claim another "
            "address."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def env_var(name: str) -> str:
    """The environment variable of a setting (``EQUIPOISE_<NAME>``)."""
    return _BY_NAME[name].env_var


@dataclass(frozen=True, slots=True)
class Settings:
    """Validated values of every declared setting."""

    database_url: str = _BY_NAME["database_url"].default
    secret_key: str = _BY_NAME["secret_key"].default
    data_key: str = _BY_NAME["data_key"].default
    key_file: str = _BY_NAME["key_file"].default
    max_upload_bytes: int = _BY_NAME["max_upload_bytes"].default
    analysis_seconds: int = _BY_NAME["analysis_seconds"].default
    analysis_workers: int = _BY_NAME["analysis_workers"].default
    analysis_memory_mb: int = _BY_NAME["analysis_memory_mb"].default
    workers: int = _BY_NAME["workers"].default
    session_max_age_seconds: int = _BY_NAME["session_max_age_seconds"].default
    invite_max_age_seconds: int = _BY_NAME["invite_max_age_seconds"].default
    login_max_failures: int = _BY_NAME["login_max_failures"].default
    login_window_seconds: int = _BY_NAME["login_window_seconds"].default
    secure_cookies: str = _BY_NAME["secure_cookies"].default
    base_url: str = _BY_NAME["base_url"].default
    trusted_proxies: str = _BY_NAME["trusted_proxies"].default

    def __post_init__(self) -> None:
        for name in ("max_upload_bytes", "analysis_seconds", "analysis_workers", "workers",
                     "session_max_age_seconds",
                     "invite_max_age_seconds", "login_max_failures", "login_window_seconds"):
            value = getattr(self, name)
            if not isinstance(value, int) or value <= 0:
                raise UsageError(f"setting {name} must be a positive whole number, got {value!r}")
        if not isinstance(self.analysis_memory_mb, int) or self.analysis_memory_mb < 0:
            raise UsageError("setting analysis_memory_mb must be 0 or a positive whole number, "
                             f"got {self.analysis_memory_mb!r}")
        if self.secure_cookies not in ("auto", "always", "never"):
            raise UsageError("setting secure_cookies must be auto, always or never, "
                             f"got {self.secure_cookies!r}")
        if self.base_url and not self.base_url.startswith(("http://", "https://")):
            raise UsageError(f"setting base_url must start with http:// or https://, got {self.base_url!r}")
        if not self.database_url.strip():
            raise UsageError("setting database_url is empty")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read settings from ``EQUIPOISE_*`` variables; keyword overrides that are not None win."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            raw = environ.get(setting.env_var)
            if raw is None:
                continue
            if isinstance(setting.default, int):
                try:
                    values[setting.name] = int(raw)
                except ValueError:
                    raise UsageError(f"{setting.env_var} must be a whole number, got {raw!r}") from None
            else:
                values[setting.name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        unknown = set(values) - set(_BY_NAME)
        if unknown:
            raise UsageError(f"unknown setting(s) {', '.join(sorted(unknown))}; "
                             f"available: {', '.join(_BY_NAME)}")
        return cls(**values)

    def keyring(self, *, create: bool = True) -> Keyring:
        """The data keys these settings point to (see :mod:`equipoise.store.keys`)."""
        from pathlib import Path

        from ..store.keys import Keyring, default_key_file, load_keyring

        key_file = Path(self.key_file) if self.key_file else default_key_file(self.database_url)
        if key_file is None and not self.data_key and self.database_url.startswith("sqlite"):
            return Keyring.generate()  # an in-memory database: its key lives and dies with it
        return load_keyring(key_file, self.data_key, create=create)

    def __repr__(self) -> str:
        # Keys and secrets must not reach a log or a traceback.
        shown = {f.name: ("***" if f.name in ("secret_key", "data_key") and getattr(self, f.name)
                          else getattr(self, f.name)) for f in dataclasses.fields(self)}
        return f"Settings({', '.join(f'{k}={v!r}' for k, v in shown.items())})"

    def replace(self, **changes: Any) -> Settings:
        """A copy with some settings changed."""
        return dataclasses.replace(self, **changes)
