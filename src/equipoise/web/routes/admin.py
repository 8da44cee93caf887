"""Administration: accounts only, never clinical data."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import select

from ...store import actions
from ...store.models import Client, User, UserRole
from .. import audit, security
from ..core import CtxDep, FormDep, WebError, twin

router = APIRouter()
TAGS = ["admin"]
CREATABLE = (UserRole.THERAPIST, UserRole.SUPERVISOR, UserRole.ADMIN)


@twin(router, "/admin/users", "admin_users.html", summary="Accounts", tags=TAGS)
def users(ctx: CtxDep) -> dict[str, Any]:
    """Every account (clients join by invitation from their therapist and are listed without details)."""
    ctx.require("admin")
    rows = ctx.db.scalars(select(User).order_by(User.id))
    return {"users": [{"id": u.id, "role": u.role, "active": u.active,
                       "email": u.email if u.role != UserRole.CLIENT else None,
                       "display_name": u.display_name if u.role != UserRole.CLIENT else "(client)",
                       "action": f"/admin/users/{u.id}"}
                      for u in rows],
            "roles": [r.value for r in CREATABLE], "action": "/admin/users", "csrf_token": ctx.csrf}


@router.post("/admin/users", tags=TAGS, summary="Create a therapist, supervisor or administrator account")
def create_user(ctx: CtxDep, form: FormDep) -> Response:
    """Fields: ``email``, ``display_name``, ``role``, ``password``."""
    ctx.require("admin")
    email = str(form.get("email") or "").strip().lower()
    name = str(form.get("display_name") or "").strip()[:200]
    role = str(form.get("role") or "")
    password = str(form.get("password") or "")
    if role not in {r.value for r in CREATABLE}:
        raise WebError(400, f"Role must be one of {', '.join(r.value for r in CREATABLE)}; clients join "
                            "through their therapist's invitation.")
    if "@" not in email or not name:
        raise WebError(400, "Please give an e-mail address and a name.")
    if actions.user_by_email(ctx.db, email) is not None:
        raise WebError(409, "There is already an account with this e-mail address.")
    problem = security.password_problem(password)
    if problem:
        raise WebError(400, problem)
    actions.create_user(ctx.db, email=email, display_name=name, role=role,
                        password_hash=ctx.state.passwords.hash(password))
    return ctx.done("/admin/users")


@twin(router, "/admin/audit", "audit.html", summary="The audit trail", tags=TAGS)
def audit_trail(ctx: CtxDep) -> dict[str, Any]:
    """Who viewed, exported or changed what, newest first: ids and field names only, never content."""
    ctx.require("admin")
    return {"scope": "admin", "events": [audit.event_json(e) for e in actions.audit_trail(ctx.db)]}


ACCOUNT_ACTIONS = ("reset", "deactivate", "activate", "role")


@router.post("/admin/users/{user_id}", tags=TAGS, summary="Reset, deactivate, activate or change an account")
def change_user(ctx: CtxDep, user_id: int, form: FormDep) -> Response:
    """Field ``action``: ``reset`` (answers a one-time link to set a new password), ``deactivate`` (keeps
    the data, blocks sign-in), ``activate``, or ``role`` with field ``role``. All but ``activate`` end the
    account's sign-ins."""
    admin = ctx.require("admin")
    user = ctx.db.get(User, user_id)
    if user is None:
        raise WebError(404, f"No account {user_id}.")
    action = str(form.get("action") or "")
    if action not in ACCOUNT_ACTIONS:
        raise WebError(400, f"The action must be one of {', '.join(ACCOUNT_ACTIONS)}.")
    if user.id == admin.id and action in ("deactivate", "role"):
        raise WebError(409, "You cannot deactivate your own account or change its role; ask another "
                            "administrator.")
    data: dict[str, Any] = {}
    if action == "reset":
        token = actions.new_password_reset(ctx.db, user, ctx.settings.invite_max_age_seconds)
        data["reset_url"] = str(ctx.request.base_url).rstrip("/") + f"/reset/{token}"
        data["valid_days"] = round(ctx.settings.invite_max_age_seconds / 86400, 1)
    elif action in ("deactivate", "activate"):
        user.active = action == "activate"
    else:
        role = str(form.get("role") or "")
        if role not in {r.value for r in CREATABLE} or user.role == UserRole.CLIENT:
            names = ", ".join(r.value for r in CREATABLE)
            raise WebError(400, f"The role must be one of {names}; a client's account stays a client's.")
        has_clients = ctx.db.scalars(select(Client.id).where(Client.therapist_id == user.id)).first()
        if user.role == UserRole.THERAPIST and role != UserRole.THERAPIST and has_clients is not None:
            raise WebError(409, "This therapist still has clients; their records would have no therapist.")
        user.role = role
    if action != "activate":
        actions.end_all_logins(ctx.db, user)
    audit.record(ctx, {"reset": "changed", "role": "changed"}.get(action, action + "d"), "account",
                 str(user.id), None, action if action != "role" else f"role: {user.role}")
    if "reset_url" in data and "application/json" not in ctx.request.headers.get("accept", ""):
        return ctx.render("reset_created.html", {**data, "account": user.display_name})
    return ctx.done("/admin/users", data)
