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
    default), write-ahead logging, thread-safe connections and a 30 s wait for a lock held by another
    connection; a new database file is created private to its owner (0600, in a 0700 folder when the
    folder is new), and SQLite gives its WAL and shared-memory files the same mode.

    Why WAL: with SQLite's rollback journal every writer (an audit row per page read) shuts out every
    reader while it commits, and readers back off in sleeps of up to 100 ms; 20 users who never pause had
    pages p95 of 0.6-1.2 s once their reports were drawn, with WAL 0.2-0.7 s (benchmarks/web_load.py).
    The WAL keeps copies of changed pages until a checkpoint, so a connection that deleted or changed rows
    folds the WAL into the database and empties it (``wal_checkpoint(TRUNCATE)``) before it goes back to
    the pool: what ``secure_delete`` overwrote in the database does not live on in the WAL.
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
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        @event.listens_for(engine, "after_cursor_execute")
        def _note_erasure(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if statement.lstrip()[:6].upper() in ("DELETE", "UPDATE"):
                connection.info[_ERASED] = True

        @event.listens_for(engine.pool, "checkin")
        def _checkpoint(dbapi_connection: Any, record: Any) -> None:
            if dbapi_connection is not None and record.info.pop(_ERASED, False):
                checkpoint(dbapi_connection)

    return engine


_ERASED = "equipoise_erased"


def checkpoint(dbapi_connection: Any) -> None:
    """Fold SQLite's WAL into the database file and truncate it to nothing; if readers keep it from
    finishing within the lock wait, say so (without content): a later checkpoint empties it."""
    import logging

    cursor = dbapi_connection.cursor()
    try:
        busy = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    finally:
        cursor.close()
    if busy:
        logging.getLogger(__name__).warning("the SQLite WAL could not be emptied yet (readers were busy)")


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
