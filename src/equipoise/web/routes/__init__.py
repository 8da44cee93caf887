"""The app's routes, one module per area; :func:`register` adds them all to an app."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import APIRouter, FastAPI


def routers() -> list[APIRouter]:
    """Every router of the app, in the order they are added."""
    from . import (
        account,
        admin,
        agreement,
        client,
        context,
        corrections,
        passwords,
        practice,
        research,
        sessions,
        supervision,
    )

    return [m.router for m in (account, passwords, practice, agreement, sessions, corrections, client,
                               context, supervision, research, admin)]


def register(app: FastAPI) -> None:
    """Add every router to ``app``."""
    for router in routers():
        app.include_router(router)
