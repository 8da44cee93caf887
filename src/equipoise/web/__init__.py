"""The Equipoise web app: therapist, client and supervisor in one place (FastAPI, server-rendered).

>>> from equipoise.web import Settings, create_app      # doctest: +SKIP
>>> app = create_app(Settings.from_env())              # doctest: +SKIP

Nothing is imported or created at import time beyond this module: FastAPI, SQLAlchemy and the routes load
when :func:`create_app` is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .settings import SETTINGS, Setting, Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["SETTINGS", "Setting", "Settings", "create_app"]


def create_app(settings: Settings | None = None, **options: Any) -> FastAPI:
    """Build the web app (see :func:`equipoise.web.app.create_app`)."""
    from .app import create_app as _create_app

    return _create_app(settings, **options)
