"""What every route shares: the request context (database session, signed-in user, templates), the
JSON twin of each page, checked form submissions and the one shape of every error.

A page is written once, as a function returning JSON-ready data; :func:`twin` registers it twice: under
``/api/...`` as JSON (in the OpenAPI description) and at the plain path as HTML rendered from a template.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from ..store import actions
from ..store.models import User
from . import security
from .cache import ReportCache

if TYPE_CHECKING:
    import jinja2
    from fastapi import APIRouter
    from sqlalchemy.orm import Session, sessionmaker

    from .budget import AnalysisBudget
    from .settings import Settings

TITLES = {400: "Bad request", 401: "Sign-in needed", 403: "Not allowed", 404: "Not found",
          405: "Method not allowed", 409: "Conflict", 410: "Deleted", 413: "Too large",
          415: "Unsupported format", 422: "Invalid input", 429: "Too many attempts", 500: "Server error",
          503: "Unavailable"}


class WebError(Exception):
    """An error shown to the user; its message never quotes a transcript."""

    def __init__(self, status: int, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def error_body(status: int, message: str) -> dict[str, Any]:
    """The one JSON shape of every error: ``{"ok": false, "status", "title", "error"}``."""
    return {"ok": False, "status": status, "title": TITLES.get(status, "Error"), "error": message}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api" or \
        "application/json" in request.headers.get("accept", "")


@dataclass
class AppState:
    """Everything the app holds: settings, database, templates, password hasher, sign-in limiter."""

    settings: Settings
    sessions: sessionmaker[Session]
    templates: jinja2.Environment
    passwords: security.Passwords
    limiter: security.LoginLimiter
    secret: str
    budget: AnalysisBudget
    analyse: Callable[..., dict[str, Any]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    reports: ReportCache = field(default_factory=ReportCache)


@dataclass
class Ctx:
    """One request: its database session, its user (or None) and how to answer it."""

    request: Request
    db: Session
    user: User | None
    state: AppState
    #: writes kept for the end of the request (audit events): see :meth:`later`
    deferred: list[Callable[[], None]] = field(default_factory=list)

    def later(self, write: Callable[[], None]) -> None:
        """Run ``write`` just before the request's transaction commits. An audit row written at once would
        begin SQLite's write transaction and hold its one write lock while the rest of the page is read and
        drawn; twenty readers then queued behind each other in SQLite's back-off sleeps (pages p95 over
        1 s in benchmarks/web_load.py). Written last, it holds the lock only for the commit. A request that
        fails writes nothing, as before."""
        self.deferred.append(write)

    @property
    def settings(self) -> Settings:
        return self.state.settings

    @property
    def csrf(self) -> str:
        return security.csrf_token(self.state.secret, self.request.state.csrf_seed)

    def require(self, *roles: str) -> User:
        """The signed-in user, who must have one of ``roles`` (any role when none are given)."""
        if self.user is None:
            raise WebError(401, "Please sign in to see this page.")
        if roles and self.user.role not in roles:
            raise WebError(403, f"This page is for the {' or '.join(roles)} role; you are signed in as "
                                f"{self.user.role}.")
        return self.user

    def render(self, template: str, data: dict[str, Any], status: int = 200) -> HTMLResponse:
        page = self.state.templates.get_template(template)
        html = page.render({**data, "data": data, "user": self.user, "csrf": self.csrf,
                            "csrf_field": security.CSRF_FIELD, "settings": self.settings,
                            "path": self.request.url.path})
        return HTMLResponse(html, status_code=status)

    def link(self, path: str) -> str:
        """An absolute link to ``path`` on this site, from the base_url setting (never the Host header)."""
        return self.settings.base_url.rstrip("/") + path

    def done(self, url: str, data: dict[str, Any] | None = None) -> Response:
        """Answer a successful form submission: a redirect for browsers, JSON for JSON clients."""
        if wants_json(self.request):
            return JSONResponse({"ok": True, "redirect": url, **(data or {})})
        return RedirectResponse(url, status_code=303)


def app_state(request: Request) -> AppState:
    return request.app.state.equipoise


State = Annotated[AppState, Depends(app_state)]


def get_ctx(request: Request, state: State) -> Iterator[Ctx]:
    """The request context; the database transaction commits when the route returns without error."""
    db = state.sessions()
    try:
        user = None
        token = request.cookies.get(security.SESSION_COOKIE)
        if token:
            user = actions.user_for_login(db, token)
        ctx = Ctx(request, db, user, state)
        yield ctx
        for write in ctx.deferred:
            write()
        db.commit()
    except BaseException:
        db.rollback()
        raise
    finally:
        db.close()


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise WebError(413, too_large_message(limit))
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise WebError(413, too_large_message(limit))
        chunks.append(chunk)
    return b"".join(chunks)


def too_large_message(limit: int) -> str:
    size = f"{limit / 1_000_000:.1f} MB" if limit >= 100_000 else f"{limit / 1000:.1f} kB"
    return (f"The upload is larger than the limit of {size}. Split the transcript or ask the administrator "
            "to raise max_upload_bytes.")


async def checked_form(request: Request, state: State) -> AsyncIterator[FormData]:
    """The submitted form, after the size limit and the CSRF check."""
    limit = state.settings.max_upload_bytes
    body = await read_body(request, limit)
    request._body = body  # Starlette parses the form from the cached body
    try:
        form = await request.form(max_files=2, max_fields=200, max_part_size=limit)
    except Exception:  # a malformed body: its content must not reach a message
        raise WebError(400, "The form could not be read. Please reload the page and try again.") from None
    token = str(form.get(security.CSRF_FIELD) or request.headers.get(security.CSRF_HEADER) or "")
    try:
        if not security.csrf_valid(state.secret, request.state.csrf_seed, token):
            raise WebError(403, "The form has expired or did not come from this site (CSRF check failed). "
                                "Please reload the page and try again.")
        yield form
    finally:
        await form.close()  # uploaded files are spooled to temporary files


CONFIRM_FIELD = "sure"
CONFIRM_VALUES = ("yes", "true", "on", "1")


def confirmed(form: FormData) -> bool:
    """Whether a destructive form carries its "I'm sure" confirmation (``sure=yes``).

    The page's checkbox is ``required``, but only a browser enforces that: a script, an old browser or a
    crafted post must not delete anything without the confirmation either.
    """
    return str(form.get(CONFIRM_FIELD) or "").strip().lower() in CONFIRM_VALUES


def unconfirmed_message(what: str, *, script: bool) -> str:
    """The message for a destructive form sent unconfirmed; ``what`` is e.g. "delete this session"."""
    message = f"Nothing was deleted: please tick the box to confirm that you want to {what}."
    return message + (f" A script sends {CONFIRM_FIELD}=yes." if script else "")


def refuse_unconfirmed(ctx: Ctx, form: FormData, what: str, template: str,
                       page: Callable[[], dict[str, Any]]) -> Response | None:
    """None when the destructive form is confirmed; else the refusal, and nothing may be deleted.

    A script gets the app's JSON error (400); a browser gets ``template`` again, filled by ``page()``,
    with the message and status 400.
    """
    if confirmed(form):
        return None
    if wants_json(ctx.request):
        raise WebError(400, unconfirmed_message(what, script=True))
    return ctx.render(template, {**page(), "errors": [unconfirmed_message(what, script=False)]}, status=400)


def confirmed_form_openapi(what: str) -> dict[str, Any]:
    """The OpenAPI ``requestBody`` and 400 answer of a destructive form route (``openapi_extra``).

    The form is read by :func:`checked_form`, not by FastAPI, so its fields are described here by hand.
    """
    schema = {"type": "object", "required": [CONFIRM_FIELD], "properties": {
        CONFIRM_FIELD: {"type": "string", "enum": list(CONFIRM_VALUES),
                        "description": f"Confirms that you want to {what}; without it nothing is deleted "
                                       "and the answer is 400."},
        security.CSRF_FIELD: {"type": "string", "description": "The CSRF token, unless it is sent in the "
                                                                f"{security.CSRF_HEADER} header."}}}
    error = {"type": "object", "required": ["ok", "status", "title", "error"], "properties": {
        "ok": {"type": "boolean", "enum": [False]}, "status": {"type": "integer"},
        "title": {"type": "string"}, "error": {"type": "string"}}}
    return {"requestBody": {"required": True, "content": {
                media: {"schema": schema} for media in ("application/x-www-form-urlencoded",
                                                        "multipart/form-data")}},
            "responses": {"400": {"description": "Not confirmed: nothing was deleted.",
                                  "content": {"application/json": {"schema": error}}}}}


def download(body: bytes, media_type: str, filename: str) -> Response:
    """A file to keep: served as an attachment named ``filename`` and never cached.

    ``Cache-Control: no-store`` is set here as well as by the middleware: these files hold clinical data.
    """
    return Response(body, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


def twin(router: APIRouter, path: str, template: str, *, summary: str, tags: list[str]) -> Callable:
    """Register a page function as ``GET /api<path>`` (JSON) and ``GET <path>`` (HTML from ``template``)."""

    def register(func: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        router.add_api_route("/api" + path, func, methods=["GET"], summary=summary, tags=tags,
                             description=func.__doc__)

        @functools.wraps(func)
        def html(*args: Any, **kwargs: Any) -> Response:
            data = func(*args, **kwargs)
            return kwargs["ctx"].render(template, data)

        router.add_api_route(path, html, methods=["GET"], include_in_schema=False,
                             response_class=HTMLResponse)
        return func

    return register


# scope="function": the transaction commits (or fails) before the response leaves, not after.
CtxDep = Annotated[Ctx, Depends(get_ctx, scope="function")]
FormDep = Annotated[FormData, Depends(checked_form, scope="function")]
