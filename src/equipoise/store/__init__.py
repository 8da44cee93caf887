"""Storage of the web app: SQLAlchemy 2 models, Alembic migrations shipped in the package, and the
operations the web edge uses. SQLite file by default, PostgreSQL by URL.

>>> from equipoise.store import open_engine, migrate     # doctest: +SKIP
>>> from equipoise.store.keys import load_keyring          # doctest: +SKIP
>>> keys = load_keyring(Path("equipoise.db.key"))          # doctest: +SKIP
>>> engine = open_engine("sqlite:///equipoise.db", keys)   # doctest: +SKIP
>>> migrate(engine)                                      # doctest: +SKIP

SQLAlchemy and Alembic are imported on first use, so ``import equipoise`` stays cheap.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from .keys import Keyring

MIGRATIONS = Path(__file__).parent / "migrations"


def open_engine(url: str, keys: Keyring | None = None) -> Engine:
    """An engine for ``url`` whose encrypted columns use ``keys`` (see :mod:`equipoise.store.keys`).

    SQLite gets foreign keys, ``secure_delete`` (deleted rows are overwritten, whatever the build's
    default), thread-safe connections and a 30 s wait for a lock held by another connection; a new
    database file is created private to its owner (0600, in a 0700 folder when the folder is new), and
    SQLite gives its journal and WAL the same mode.
    """
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import make_url

    from .encrypted import KEYRING_ATTRIBUTE

    parsed = make_url(url)
    # SQLAlchemy puts a failed statement's parameters in its error message: they can be transcript text.
    kwargs: dict[str, Any] = {"hide_parameters": True}
    if parsed.get_backend_name() == "sqlite":
        # A writer holds SQLite's lock briefly; readers and writers wait for it (up to 30 s) instead of
        # failing at once with "database is locked" when many users arrive together.
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            create_private_file(Path(database))
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(parsed, **kwargs)
    setattr(engine.dialect, KEYRING_ATTRIBUTE, keys)
    if parsed.get_backend_name() == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

    return engine


def create_private_file(path: Path) -> None:
    """Make sure ``path`` exists and only its owner can read it (new folders 0700, the file 0600)."""
    import os

    folder = path.parent
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to ``revision`` with the migrations shipped in the package."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A factory of ORM sessions bound to ``engine`` (objects stay usable after commit)."""
    from sqlalchemy.orm import sessionmaker

    return sessionmaker(engine, expire_on_commit=False)
