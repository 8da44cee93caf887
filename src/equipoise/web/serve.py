"""``equipoise serve``: run the web app with uvicorn, optionally with the demo practice."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import click

from ..errors import UsageError
from .settings import Settings, env_var


def add_admin(app: object, email: str, password: str) -> bool:
    """Create an administrator account unless the e-mail address is taken; True when created."""
    from ..store import actions
    from ..store.models import UserRole
    from .security import password_problem

    problem = password_problem(password)
    if problem:
        raise UsageError(problem)
    state = app.state.equipoise  # type: ignore[attr-defined]
    with state.sessions.begin() as db:
        if actions.user_by_email(db, email) is not None:
            return False
        actions.create_user(db, email=email, display_name="Administrator", role=UserRole.ADMIN,
                            password_hash=state.passwords.hash(password))
    return True


DEMO_PREFIX = "equipoise-demo-"
OWNER_FILE = "server.pid"


def sweep_demo_folders(base: Path | None = None) -> list[Path]:
    """Remove demo folders left by servers that no longer run (killed before they could clean up)."""
    removed = []
    for folder in Path(base or tempfile.gettempdir()).glob(f"{DEMO_PREFIX}*"):
        try:
            if not folder.is_dir() or folder.is_symlink() or folder.stat().st_uid != os.getuid():
                continue
            owner = int((folder / OWNER_FILE).read_text(encoding="ascii"))
        except (OSError, ValueError):
            continue  # not ours to judge (no owner recorded yet, or unreadable)
        if not _running(owner):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def rotate(database_url: str | None) -> tuple[int, str | None]:
    """Rotate the data key of the configured database; returns the count and, when the key comes from
    EQUIPOISE_DATA_KEY, the new key to put there (None when the key file was updated)."""
    from pathlib import Path

    from ..store import migrate, open_engine
    from ..store.keys import default_key_file
    from ..store.keys import rotate as rotate_keys

    settings = Settings.from_env(database_url=database_url)
    engine = open_engine(settings.database_url, settings.keyring(create=False))
    try:
        migrate(engine)  # an older database: encrypt what it holds first
        key_file = Path(settings.key_file) if settings.key_file else default_key_file(settings.database_url)
        new, count = rotate_keys(engine, key_file, settings.data_key)
    finally:
        engine.dispose()
    return count, new.keys[0].decode("ascii") if settings.data_key else None


def run(*, host: str, port: int, database_url: str | None, demo: bool, admin: str | None = None,
        workers: int | None = None) -> None:
    """Build the app from settings (environment, then options) and serve it until interrupted."""
    folder: Path | None = None
    if demo and database_url is None:
        # A demo never touches the practice's real database, and is removed when the server stops
        # (SIGTERM too: the CLI turns it into KeyboardInterrupt). After a kill -9 the next start sweeps it.
        sweep_demo_folders()
        folder = Path(tempfile.mkdtemp(prefix=DEMO_PREFIX))
        (folder / OWNER_FILE).write_text(str(os.getpid()), encoding="ascii")
        database_url = f"sqlite:///{folder / 'demo.db'}"
    try:
        _serve(host=host, port=port, database_url=database_url, demo=demo, admin=admin, workers=workers)
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def uvicorn_proxy_options(settings: Settings) -> dict[str, object]:
    """Forwarded headers are believed only from the configured proxies (none by default)."""
    proxies = [p.strip() for p in settings.trusted_proxies.split(",") if p.strip()]
    if not proxies:
        return {"proxy_headers": False, "forwarded_allow_ips": ""}
    return {"proxy_headers": True, "forwarded_allow_ips": ",".join(proxies)}


def _serve(*, host: str, port: int, database_url: str | None, demo: bool, admin: str | None,
           workers: int | None) -> None:
    import uvicorn

    from .app import create_app
    from .demo import seed

    settings = Settings.from_env(database_url=database_url, workers=workers)
    if not settings.base_url:
        shown = f"[{host}]" if ":" in host else host
        settings = settings.replace(base_url=f"http://{shown}:{port}")
    app = create_app(settings)
    if admin:
        password = click.prompt(f"Password for the administrator {admin}", hide_input=True,
                                confirmation_prompt=True, err=True)
        created = add_admin(app, admin, password)
        outcome = "created" if created else "already exists; left unchanged"
        click.echo(f"administrator {admin} {outcome}", err=True)
    if demo:
        click.echo("Seeding the demo practice (analysing the example sessions) ...", err=True)
        logins = seed(app)
        click.echo(f"\nDemo practice at http://{host}:{port}/  (database: {settings.database_url})")
        click.echo("Sign in as:")
        for login in logins:
            click.echo(f"  {login.role:<10} {login.email:<26} password: {login.password}"
                       f"   ({login.display_name})")
        click.echo("")
    options = {"host": host, "port": port, "log_level": "info", **uvicorn_proxy_options(settings)}
    if settings.workers == 1:
        warm_up()
        uvicorn.run(app, **options)  # type: ignore[arg-type]
        app.state.engine.dispose()
        return
    # Several processes: this one has migrated the database, created the key file and seeded the demo;
    # each server process builds the app again from the same settings (through the environment, which it
    # inherits) and answers requests on a core of its own.
    app.state.engine.dispose()
    os.environ.update({env_var("database_url"): settings.database_url,
                       env_var("base_url"): settings.base_url})
    # A process busy in a long drawing (vl-convert holds the interpreter) is slow, not dead: give it a
    # minute to answer the supervisor's health check before it is replaced.
    uvicorn.run(f"{__name__}:server_process_app", factory=True, workers=settings.workers,
                timeout_worker_healthcheck=60, **options)  # type: ignore[arg-type]


def server_process_app() -> object:
    """The app of one server process of ``equipoise serve`` with several workers.

    It ends with the process that started it, however that one ends (even kill -9), so no orphan keeps
    the port and the database open; migrations already ran there.
    """
    from ..batch import die_with_parent
    from .app import create_app

    die_with_parent(os.getppid())
    app = create_app(Settings.from_env(), migrate=False)
    warm_up()
    return app


def warm_up() -> None:
    """Prepare the first drawing of every kind of page before the process takes requests, so its first
    readers do not wait for it: vl-convert bundles the JavaScript the reports embed (about six seconds
    on a busy two-core machine) and starts its JavaScript engine, Altair loads its schema (together about
    two seconds more), and each kind of report, chart and template has a first drawing of its own (a first
    session report took 0.4 s in a warmed process, later ones 0.1 s). Twenty readers who arrive together
    share the interpreter with that drawing, so each first drawing became a wait of seconds for them all
    (benchmarks/web_load.py). The bundled demo session is analysed, to have a profile to draw, and drawn once
    for each audience, as a course, and in the web pages' charts; nothing is kept but what the memos of
    charts and templates keep (the labeller, loaded for that analysis, is let go: uploads are analysed in
    processes of their own), and nothing is written."""
    import altair as alt

    from ..ingest import load
    from ..label.labeller import unload_labellers
    from ..report.charts import javascript_bundle, to_svg
    from . import charts
    from .reports import analyse, course_report, session_report

    javascript_bundle()
    to_svg(alt.Chart(alt.Data(values=[{"x": 1}])).mark_point().encode(x="x:Q").to_dict())
    transcript = load(Path(__file__).with_name("demo_sessions") / "collaborative.txt")
    profile = analyse(transcript)
    for audience in ("therapist", "client"):
        session_report(profile, transcript, audience)
        course_report([profile, profile], audience, {}, "Warm-up")
    items = (("heard", "I felt heard"), ("free", "I felt free to disagree"))
    points = [{"label": f"Session {n}", "measured": 0.1 * n, "client": 0.0, "predicted": -0.1,
               "client_items": {"heard": 4, "free": n}, "predicted_items": {"heard": 3, "free": 3}}
              for n in (1, 2)]
    answers = [{"label": "we held it more or less equally", "count": 1}, {"label": "the client", "count": 0}]
    for narrow in (False, True):
        charts.course_chart(points, "Warm-up", narrow=narrow)
        charts.items_chart(points, items, narrow=narrow)
        charts.caseload_chart(answers, answers, "Warm-up", narrow=narrow)
    # The labeller (about 47 MB) was loaded only to analyse the demo: uploads are analysed in processes
    # of their own, and with analysis_memory_mb = 0 the first upload loads it again (0.2 s).
    unload_labellers()
