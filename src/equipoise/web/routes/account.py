"""Home, sign-in, sign-out and accepting an invitation."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from ...store import actions
from ...store.models import User
from .. import security
from ..core import CtxDep, FormDep, WebError, twin, wants_json

router = APIRouter()

LINKS: dict[str, list[tuple[str, str]]] = {
    "therapist": [("/clients", "My clients"), ("/supervision", "Supervision"), ("/me/context", "About me")],
    "client": [("/me", "My sessions and check-ins"), ("/consent", "My consent"), ("/me/context", "About me")],
    "supervisor": [("/supervisees", "My supervisees")],
    "admin": [("/admin/users", "Accounts")],
}


def user_json(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.id, "email": user.email, "display_name": user.display_name, "role": user.role}


_LOCAL_PATH = re.compile(r"/(?![/\\])[A-Za-z0-9/_.~%?=&+-]*")


def safe_next(target: str | None, default: str = "/") -> str:
    """Only a plain path on this site may be a redirect target (no scheme, host, backslash or spaces).

    >>> safe_next("/clients/3"), safe_next("//evil.example"), safe_next("/\\evil.example")
    ('/clients/3', '/', '/')
    """
    if target and _LOCAL_PATH.fullmatch(target):
        return target
    return default


@twin(router, "/", "home.html", summary="Home: who is signed in and where to go", tags=["account"])
def home(ctx: CtxDep) -> dict[str, Any]:
    """The signed-in user (or null) and the pages open to them."""
    role = ctx.user.role if ctx.user else None
    return {"user": user_json(ctx.user),
            "links": [{"href": href, "title": title} for href, title in LINKS.get(role or "", [])]}


@twin(router, "/login", "login.html", summary="Sign-in form", tags=["account"])
def login_form(ctx: CtxDep, next: str = "/", joined: bool = False) -> dict[str, Any]:
    """What the sign-in form posts: ``email``, ``password``, ``next`` and the CSRF token (``joined``:
    coming from an invitation, with what became of it)."""
    return {"action": "/login", "fields": ["email", "password", "next"], "next": safe_next(next),
            "csrf_token": ctx.csrf, "error": None, "notice": JOINED if joined else None}


@router.post("/login", tags=["account"], summary="Sign in")
def login(ctx: CtxDep, form: FormDep) -> Response:
    """Sign in with e-mail and password; failures are rate limited per account and per address."""
    state = ctx.state
    email = str(form.get("email") or "").strip().lower()
    password = str(form.get("password") or "")
    target = safe_next(str(form.get("next") or "/"))
    address = ctx.request.client.host if ctx.request.client else "unknown"
    user = actions.user_by_email(ctx.db, email) if email else None
    device = security.known_device(state.secret, ctx.request.cookies.get(security.DEVICE_COOKIE),
                                   user.id if user else None)
    wait = state.limiter.retry_after(ctx.db, address, email, known_device=device)
    if wait:
        raise WebError(429, f"Too many failed sign-ins. Please wait {max(1, wait // 60)} minute(s) and try "
                            "again.", headers={"Retry-After": str(wait)})
    if not state.passwords.verify(user.password_hash if user else None, password) or user is None:
        state.limiter.fail(ctx.db, address, email)
        ctx.db.commit()  # counted even though the answer below is an error
        message = "That e-mail and password do not match an account."
        if wants_json(ctx.request):
            raise WebError(400, message)
        return ctx.render("login.html", {"action": "/login", "fields": [], "next": target, "error": message,
                                         "csrf_token": ctx.csrf, "notice": None}, status=400)
    state.limiter.succeed(ctx.db, address, email)
    if not user.active:  # said only after the right password, so it reveals nothing to a guesser
        raise WebError(403, "This account is deactivated: its data is kept, but it cannot sign in. Please "
                            "ask the administrator.")
    response = sign_in(ctx, user, target)
    security.set_cookie(response, ctx.settings, ctx.request, security.DEVICE_COOKIE,
                        security.device_token(state.secret, user.id), max_age=security.DEVICE_MAX_AGE)
    return response


def sign_in(ctx: CtxDep, user: User, target: str) -> Response:
    """Open a sign-in session for ``user`` and answer with a redirect to ``target``."""
    token = actions.start_login(ctx.db, user, ctx.settings.session_max_age_seconds)
    response = ctx.done(target, {"user": user_json(user)})
    security.set_cookie(response, ctx.settings, ctx.request, security.SESSION_COOKIE, token,
                        max_age=ctx.settings.session_max_age_seconds)
    # A new CSRF seed at sign-in, so a seed planted before it is worthless after it.
    security.set_cookie(response, ctx.settings, ctx.request, security.CSRF_COOKIE, security.new_csrf_seed(),
                        max_age=None)
    return response


@router.post("/logout", tags=["account"], summary="Sign out")
def logout(ctx: CtxDep, form: FormDep) -> Response:
    """End this sign-in."""
    token = ctx.request.cookies.get(security.SESSION_COOKIE)
    if token:
        actions.end_login(ctx.db, token)
    response = ctx.done("/login")
    response.delete_cookie(security.SESSION_COOKIE, path="/")
    return response


def _open_invite(ctx: CtxDep, token: str) -> Any:
    invite = actions.open_invite(ctx.db, token)
    if invite is None:
        raise WebError(404, "This invitation link is not valid any more (it was used or has expired). "
                            "Please ask your therapist for a new one.")
    return invite


@twin(router, "/invite/{token}", "invite.html", summary="Accept an invitation", tags=["account"])
def invite_form(ctx: CtxDep, token: str) -> dict[str, Any]:
    """An open invitation: the form to create the client's account (e-mail, name, password)."""
    _open_invite(ctx, token)
    return {"action": f"/invite/{token}", "fields": ["email", "display_name", "password"],
            "csrf_token": ctx.csrf, "error": None, "values": {}}


#: What accepting an invitation answers, whether or not the address had an account: the answer must not
#: tell the holder of a link which addresses have accounts here.
JOINED = ("If this e-mail address had no account here, yours is ready: sign in with it and the password you "
          "chose. If it had one already, nothing was changed and the invitation is used up: sign in as "
          "before, or ask your therapist for a new link to use with another address.")


@router.post("/invite/{token}", tags=["account"], summary="Create a client account from an invitation")
def accept_invite(ctx: CtxDep, token: str, form: FormDep) -> Response:
    """Create the account and use the invitation up, then go on to sign in (and to the consent page).

    The answer is the same whether or not the e-mail address already had an account (then none is made).
    """
    invite = _open_invite(ctx, token)
    email = str(form.get("email") or "").strip().lower()
    name = str(form.get("display_name") or "").strip()[:200]
    password = str(form.get("password") or "")
    problem = None
    if "@" not in email or len(email) > 254:
        problem = "Please enter a valid e-mail address."
    elif not name:
        problem = "Please enter the name you would like to be called."
    else:
        problem = security.password_problem(password)
    if problem:
        if wants_json(ctx.request):
            raise WebError(400, problem)
        return ctx.render("invite.html", {"action": f"/invite/{token}", "fields": [], "csrf_token": ctx.csrf,
                                          "error": problem, "values": {"email": email, "display_name": name}},
                          status=400)
    password_hash = ctx.state.passwords.hash(password)  # either way, so both answers take as long
    try:
        actions.accept_invite(ctx.db, invite, email=email, display_name=name, password_hash=password_hash)
    except actions.InviteTaken:
        raise WebError(409, "This invitation link has just been used. Please ask your therapist for a new "
                            "one if it was not you.") from None
    return ctx.done("/login?next=/consent&joined=1", {"message": JOINED})
