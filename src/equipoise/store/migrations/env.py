"""Alembic environment: runs on the connection :func:`equipoise.store.migrate` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from equipoise.store.models import Base

config = context.config
connection = config.attributes.get("connection")


def _run(conn: object) -> None:
    # Batch mode lets later migrations alter tables on SQLite too.
    context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    _run(connection)
else:  # `alembic -x` use from a checkout: the URL comes from the config file
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///equipoise.db")
    with engine.begin() as conn:
        _run(conn)
