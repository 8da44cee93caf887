"""``equipoise serve``: run the web app with uvicorn, optionally with the demo practice."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from .settings import Settings


def run(*, host: str, port: int, database_url: str | None, demo: bool) -> None:
    """Build the app from settings (environment, then options) and serve it until interrupted."""
    import uvicorn

    from .app import create_app
    from .demo import seed

    if demo and database_url is None:
        # A demo never touches the practice's real database.
        folder = Path(tempfile.mkdtemp(prefix="equipoise-demo-"))
        database_url = f"sqlite:///{folder / 'demo.db'}"
    settings = Settings.from_env(database_url=database_url)
    app = create_app(settings)
    if demo:
        click.echo("Seeding the demo practice (analysing the example sessions) ...", err=True)
        logins = seed(app)
        click.echo(f"\nDemo practice at http://{host}:{port}/  (database: {settings.database_url})")
        click.echo("Sign in as:")
        for login in logins:
            click.echo(f"  {login.role:<10} {login.email:<26} password: {login.password}"
                       f"   ({login.display_name})")
        click.echo("")
    uvicorn.run(app, host=host, port=port, proxy_headers=True, log_level="info")
