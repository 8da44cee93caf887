"""Administration: accounts only, never clinical data."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import select

from ...store import actions
from ...store.models import User, UserRole
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
    return {"users": [{"id": u.id, "role": u.role,
                       "email": u.email if u.role != UserRole.CLIENT else None,
                       "display_name": u.display_name if u.role != UserRole.CLIENT else "(client)"}
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
