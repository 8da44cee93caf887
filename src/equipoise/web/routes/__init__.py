"""The app's routes, one module per area; :func:`register` adds them all to an app."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI


def register(app: FastAPI) -> None:
    """Add every router to ``app``."""
    from . import account, admin, client, practice, sessions, supervision

    for module in (account, practice, sessions, client, supervision, admin):
        app.include_router(module.router)
