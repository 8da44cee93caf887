"""Passwords: changing one's own, and setting a new one through an administrator's one-time link.

Either way every other sign-in of the account ends, so a stolen session stops working.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from ...store import actions
from .. import audit, security
from ..core import CtxDep, FormDep, WebError, twin, wants_json
from .account import sign_in

router = APIRouter()
TAGS = ["account"]


@twin(router, "/account/password", "password.html", summary="Change my password", tags=TAGS)
def password_form(ctx: CtxDep) -> dict[str, Any]:
    """Fields: ``current_password``, ``new_password``. Every other sign-in of the account ends."""
    ctx.require()
    return {"action": "/account/password", "csrf_token": ctx.csrf, "errors": [], "needs_current": True}


@router.post("/account/password", tags=TAGS, summary="Change my password")
def change_password(ctx: CtxDep, form: FormDep) -> Response:
    """Check the current password, store the new one and end every other sign-in."""
    user = ctx.require()
    current = str(form.get("current_password") or "")
    new = str(form.get("new_password") or "")
    problem = None
    if not ctx.state.passwords.verify(user.password_hash, current):
        problem = "The current password is not right."
    else:
        problem = security.password_problem(new)
    if problem:
        if wants_json(ctx.request):
            raise WebError(400, problem)
        return ctx.render("password.html", {**password_form(ctx=ctx), "errors": [problem]}, status=400)
    actions.set_password(ctx.db, user, ctx.state.passwords.hash(new))
    audit.record(ctx, "changed", "password", None, None)
    # This browser signs in again with a fresh session; all others were ended.
    return sign_in(ctx, user, "/")


def _open_reset(ctx: CtxDep, token: str) -> Any:
    row = actions.open_password_reset(ctx.db, token)
    if row is None:
        raise WebError(404, "This link to set a new password is not valid any more (it was used or has "
                            "expired). Please ask the administrator for a new one.")
    return row


@twin(router, "/reset/{token}", "password.html", summary="Set a new password (one-time link)", tags=TAGS)
def reset_form(ctx: CtxDep, token: str) -> dict[str, Any]:
    """An administrator's one-time link: the form to set a new password (``new_password``)."""
    _open_reset(ctx, token)
    return {"action": f"/reset/{token}", "csrf_token": ctx.csrf, "errors": [], "needs_current": False}


@router.post("/reset/{token}", tags=TAGS, summary="Set a new password with a one-time link")
def reset(ctx: CtxDep, token: str, form: FormDep) -> Response:
    """Store the new password, use the link up, end every sign-in of the account and sign in here."""
    row = _open_reset(ctx, token)
    new = str(form.get("new_password") or "")
    problem = security.password_problem(new)
    if problem:
        if wants_json(ctx.request):
            raise WebError(400, problem)
        return ctx.render("password.html", {**reset_form(ctx=ctx, token=token), "errors": [problem]},
                          status=400)
    from ...store.models import User, utcnow

    user = ctx.db.get(User, row.user_id)
    if user is None or not user.active:
        raise WebError(404, "This account cannot sign in any more. Please ask the administrator.")
    row.used_at = utcnow()
    actions.set_password(ctx.db, user, ctx.state.passwords.hash(new))
    return sign_in(ctx, user, "/")
