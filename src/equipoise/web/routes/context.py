"""A person's own context: their self-description, who reads it, changing and deleting it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from ...store import actions
from .. import audit, context
from ..core import CtxDep, FormDep, WebError, confirmed_form_openapi, refuse_unconfirmed, twin, wants_json

router = APIRouter()
TAGS = ["context"]
PATH = "/me/context"
DELETE = "delete your self-description"


def _owner(ctx: CtxDep) -> Any:
    user = ctx.require("client", "therapist")
    # A client's changes are on the trail of their own record, which they can read.
    record = actions.client_of_user(ctx.db, user) if user.role == "client" else None
    return user, record


@twin(router, PATH, "context.html", summary="My self-description and who sees it", tags=TAGS)
def my_context(ctx: CtxDep) -> dict[str, Any]:
    """Your own description of yourself (every part optional), and whom you show it to; change or delete it
    at any time."""
    user, _record = _owner(ctx)
    row = context.description_of(ctx.db, user.id)
    return {**context.for_owner(row, user.role), "role": user.role,
            "dimensions": [{"key": d.key, "label": d.label, "choices": d.choices}
                           for d in context.DIMENSIONS],
            "action": PATH, "delete_action": f"{PATH}/delete", "csrf_token": ctx.csrf, "errors": [],
            "saved": False}


@router.post(PATH, tags=TAGS, summary="Save my self-description and who sees it")
def save_context(ctx: CtxDep, form: FormDep) -> Response:
    """Fields: per part (``age_range``, ``gender``, ``ethnicity``, ``class_background``,
    ``sexual_orientation``, ``disability``, ``language``) a listed choice or nothing, and ``<part>_words``
    in your own words (``own_words_words`` for anything else); the readers: ``to_therapist``,
    ``to_supervisor``, ``to_research`` for a client, ``to_client``, ``to_supervisor`` for a therapist
    (``yes`` or absent). Sending again replaces everything."""
    user, record = _owner(ctx)
    details, flags, problems = context.parse(form, user.role)
    if problems:
        if wants_json(ctx.request):
            raise WebError(400, " ".join(problems))
        return ctx.render("context.html", {**my_context(ctx=ctx), "errors": problems}, status=400)
    existed = context.description_of(ctx.db, user.id) is not None
    context.save(ctx.db, user, details, flags)
    readers = ", ".join(flag.removeprefix("to_") for flag, on in flags.items() if on) or "nobody else"
    audit.record(ctx, "changed" if existed else "created", "self_description", None, record,
                 f"parts: {len(details)}; readers: {readers}")
    if wants_json(ctx.request):
        return ctx.done(PATH)
    return ctx.render("context.html", {**my_context(ctx=ctx), "saved": True})


@router.post(f"{PATH}/delete", tags=TAGS, summary="Delete my self-description",
             openapi_extra=confirmed_form_openapi(DELETE))
def delete_context(ctx: CtxDep, form: FormDep) -> Response:
    """Delete your self-description at once (only with ``sure=yes``; without it nothing is deleted)."""
    user, record = _owner(ctx)
    refusal = refuse_unconfirmed(ctx, form, DELETE, "context.html", lambda: my_context(ctx=ctx))
    if refusal is not None:
        return refusal
    if actions.erase_self_description(ctx.db, user.id):
        audit.record(ctx, "deleted", "self_description", None, record)
    return ctx.done(PATH)
