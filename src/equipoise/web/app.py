"""The app factory: ``create_app(settings)`` builds a FastAPI app; nothing happens at import time.

>>> from equipoise.web import create_app, Settings              # doctest: +SKIP
>>> app = create_app(Settings(database_url="sqlite:///practice.db"))   # doctest: +SKIP
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .settings import Settings

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from fastapi import FastAPI, Request
    from starlette.responses import Response

HERE = Path(__file__).parent
log = logging.getLogger("equipoise.web")

# The app's own pages run no script at all; the report (which draws its charts with inlined JavaScript)
# is served in a sandboxed frame with its own, stricter-in-other-ways policy (see routes_sessions).
CSP = ("default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
       "frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'; object-src 'none'")


def create_app(settings: Settings | None = None, *, analyse: Callable[..., dict[str, Any]] | None = None,
               migrate: bool = True, passwords: Any = None) -> FastAPI:
    """Build the web app: open the database (running migrations), templates, routes and error pages.

    ``analyse`` replaces the function that turns a Transcript into Profile JSON (default:
    :func:`equipoise.web.reports.analyse`); ``passwords`` the password hasher (default: argon2id with
    argon2-cffi's parameters; tests pass cheaper ones).
    """
    import jinja2
    from fastapi import FastAPI
    from fastapi.staticfiles import StaticFiles

    from .. import __version__
    from ..store import migrate as run_migrations
    from ..store import open_engine, session_factory
    from . import charts, perception, promises, security
    from .budget import AnalysisBudget
    from .core import AppState
    from .routes import register

    settings = settings or Settings.from_env()
    keys = settings.keyring()
    engine = open_engine(settings.database_url, keys)
    if migrate:
        run_migrations(engine)
    sessions = session_factory(engine)
    secret = settings.secret_key or keys.secret("csrf")

    templates = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                                   undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    templates.globals.update(ITEMS=perception.ITEMS, SCALE=perception.SCALE, WHO_HELD=perception.WHO_HELD,
                             WHO_HELD_THIRD=perception.WHO_HELD_THIRD, PROMPTS=perception.REFLECTION_PROMPTS,
                             WHO_HELD_QUESTION=perception.WHO_HELD_QUESTION, version=__version__,
                             course_chart=charts.course_chart, items_chart=charts.items_chart,
                             caseload_chart=charts.caseload_chart, responsive=charts.responsive,
                             ITEM_PAIRS=[(item.key, item.text) for item in perception.ITEMS],
                             PROMISES=promises.sentences)

    app = FastAPI(title="Equipoise", version=__version__, docs_url=None, redoc_url=None,
                  swagger_ui_oauth2_redirect_url=None,
                  openapi_url="/api/openapi.json",
                  description="Every HTML page of Equipoise has a JSON twin under /api. Sign in through "
                              "the web form; JSON clients send the session cookie and, for form posts, "
                              "the X-CSRF-Token header.")
    app.state.equipoise = AppState(
        settings=settings, sessions=sessions, templates=templates,
        passwords=passwords or security.Passwords(),
        limiter=security.LoginLimiter(settings.login_max_failures, settings.login_window_seconds),
        secret=secret, budget=AnalysisBudget(settings.analysis_seconds, settings.analysis_workers,
                                                   settings.analysis_memory_mb),
        analyse=analyse)
    app.state.engine = engine
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _install_favicon(app)
    _install_middleware(app, settings)
    _install_errors(app)
    register(app)
    return app


def _install_favicon(app: FastAPI) -> None:
    from fastapi.responses import FileResponse

    # Browsers ask for /favicon.ico by themselves (on JSON pages too, which link no icon): answer it with
    # the same SVG the pages link, rather than a 404. It holds no data, so it is public and may be cached.
    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml",
                            headers={"Cache-Control": "public, max-age=86400"})


def _install_middleware(app: FastAPI, settings: Settings) -> None:
    from . import security

    @app.middleware("http")
    async def csrf_cookie_and_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]
                                      ) -> Response:
        seed = request.cookies.get(security.CSRF_COOKIE)
        fresh = not seed
        request.state.csrf_seed = seed or security.new_csrf_seed()
        try:
            if _impossible_id(request.url.path):
                # The databases store ids as 64-bit integers; a larger one names nothing (and would
                # overflow the driver).
                response = request.app.state.answer_error(request, 404, "There is no page at this address.")
            else:
                response = await call_next(request)
        except Exception as exc:
            response = _unexpected(request, exc)
        if fresh:
            security.set_cookie(response, settings, request, security.CSRF_COOKIE, request.state.csrf_seed,
                                max_age=None)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # Invitation links carry a token: never send the address to another site.
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if not request.url.path.startswith("/static/"):
            # Pages hold clinical data: no copies in browser or proxy caches.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


MAX_ID = 2**63 - 1


def _impossible_id(path: str) -> bool:
    return any(part.isdigit() and (len(part) > 19 or int(part) > MAX_ID) for part in path.split("/"))


def _unexpected(request: Request, exc: Exception) -> Response:
    # The class and the place only: an exception's message could quote a transcript.
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    place = f"{Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno}" if tb else "?"
    # The route's pattern, not the address: an address can hold an invitation token.
    route = request.scope.get("route")
    log.error("unexpected %s at %s while serving %s %s", exc.__class__.__name__, place, request.method,
              getattr(route, "path", "(unknown route)"))
    return request.app.state.answer_error(
        request, 500, "Something went wrong on our side; it has been logged without any transcript "
                      "content. Please try again or report it.")


def _install_errors(app: FastAPI) -> None:
    from urllib.parse import quote

    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
    from starlette.exceptions import HTTPException

    from .core import TITLES, WebError, error_body, wants_json

    def answer(request: Request, status: int, message: str,
               headers: dict[str, str] | None = None) -> Response:
        if wants_json(request):
            return JSONResponse(error_body(status, message), status_code=status, headers=headers)
        if status == 401:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        state = request.app.state.equipoise
        page = state.templates.get_template("error.html")
        html = page.render(status=status, title=TITLES.get(status, "Error"), message=message, user=None,
                           csrf="", csrf_field="", settings=state.settings, path=request.url.path)
        return HTMLResponse(html, status_code=status, headers=headers)

    @app.exception_handler(WebError)
    async def web_error(request: Request, exc: WebError) -> Response:
        return answer(request, exc.status, exc.message, exc.headers)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = {404: "There is no page at this address.", 405: "This address does not accept that method."
                   }.get(exc.status_code, str(exc.detail))
        return answer(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        # Only where the problem is, never the submitted value (it could be transcript text).
        where = "; ".join(".".join(str(p) for p in err.get("loc", ())) + ": " + str(err.get("msg", ""))
                          for err in exc.errors()[:5])
        return answer(request, 422, f"Invalid request ({where}).")

    app.state.answer_error = answer
