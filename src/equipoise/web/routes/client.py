"""The client's own pages: their sessions and check-ins, and their consent."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from ... import __version__
from ...agreement import frame_view
from ...store import actions
from ...store import agreement as stored_agreement
from ...store.models import Client, User, utcnow
from .. import audit, blinding, context, export, perception, promises, views
from ..access import access_to_client
from ..core import (
    CtxDep,
    FormDep,
    WebError,
    confirmed_form_openapi,
    download,
    refuse_unconfirmed,
    twin,
)
from ..frame import frame_for

router = APIRouter()
TAGS = ["client"]


def own_client(ctx: CtxDep) -> tuple[User, Client]:
    user = ctx.require("client")
    client = actions.client_of_user(ctx.db, user)
    if client is None:
        raise WebError(404, "Your account is not linked to a therapist.")
    return user, client


@twin(router, "/me", "me.html", summary="My sessions and check-ins", tags=TAGS)
def me(ctx: CtxDep) -> dict[str, Any]:
    """The client's sessions (with their client reports) and their check-in history."""
    user, client = own_client(ctx)
    sessions = []
    access = access_to_client(ctx.db, user, client.public_id)
    for session in client.sessions:
        blind = blinding.blinded(access, session)
        sessions.append({
            "id": session.public_id, "number": session.number, "title": session.title,
            "created_at": views.when(session.created_at),
            "href": f"/sessions/{session.public_id}",
            "report_href": (f"/sessions/{session.public_id}/report" if session.profile and not blind
                            else None),
            "blinded": blind,
            "check_in_href": f"/sessions/{session.public_id}/check-in",
            "check_in": perception.answers_of(session.check_in),
            "comment": session.check_in.comment if session.check_in else None,
        })
    new_versions, new_answers = stored_agreement.unseen(ctx.db, client)
    return {"name": user.display_name, "has_consent": client.has_consent,
            "consent_at": views.when(client.consent_at), "revoked_at": views.when(client.revoked_at),
            "sessions": sessions, "course_href": f"/clients/{client.public_id}/course",
            "agreement_href": f"/clients/{client.public_id}/agreement",
            "agreement_news": {"versions": new_versions, "answers": new_answers},
            "export_href": EXPORT_PATH, "audit_href": "/me/audit", "context_href": "/me/context",
            "therapist_context": context.for_access(ctx.db, access)["their_context"]}


EXPORT_PATH = "/api/me/export"


@twin(router, "/me/audit", "audit.html", summary="Who read or changed my data", tags=TAGS)
def my_audit(ctx: CtxDep) -> dict[str, Any]:
    """Every time someone viewed, downloaded or changed your sessions, check-ins or consent, newest first
    (kept after a deletion, without the deleted content)."""
    _user, client = own_client(ctx)
    return {"scope": "client", "events": [audit.event_json(e) for e in actions.audit_trail(ctx.db, client)]}


# JSON only, like a session's profile: the file is itself the JSON, so it lives under /api with no page.
@router.get(EXPORT_PATH, tags=TAGS, summary="Download my data (a JSON file)", response_class=JSONResponse,
            responses={200: {"description": "The client's data as a JSON file download (attachment)."}})
def my_data(ctx: CtxDep) -> Response:
    """Everything Equipoise stores about the signed-in client, as a file to keep.

    Their account, their consent, and per session its title, date, format, the profile their client report
    is built from, the transcript's turns (the client report shows them) and their check-in. Not the
    therapist's reflections: the file says so under ``not_included``.
    """
    user, client = own_client(ctx)
    # The access the client's report route gets: the profile and the turns follow from it.
    access = access_to_client(ctx.db, user, client.public_id)
    now = utcnow()
    data = export.my_data(user, access, exported_at=now, version=__version__,
                          self_description=context.description_of(ctx.db, user.id),
                          agreement=frame_view(frame_for(ctx.db, access), "client"))
    audit.record(ctx, "exported", "data", None, client)
    body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    return download(body, "application/json", export.filename(now))


@twin(router, "/consent", "consent.html", summary="My consent to analysis", tags=TAGS)
def consent(ctx: CtxDep) -> dict[str, Any]:
    """Whether the client consents to the analysis of their sessions, and how to give or revoke it."""
    user, client = own_client(ctx)
    # The frame of the work is shown before the consent is given (and stays open to questions after).
    agreement = frame_view(frame_for(ctx.db, access_to_client(ctx.db, user, client.public_id)), "client")
    return {"has_consent": client.has_consent, "consent_at": views.when(client.consent_at),
            "agreement": {"version": agreement["version"], "since": agreement["since"],
                          "items": [{k: i[k] for k in ("key", "title", "text")} for i in agreement["items"]],
                          "href": f"/clients/{client.public_id}/agreement"},
            "revoked_at": views.when(client.revoked_at), "n_sessions": len(client.sessions),
            "comments_to_supervisor": client.comments_to_supervisor, "who_sees_what": promises.sentences(),
            "csrf_token": ctx.csrf, "give_action": "/consent", "revoke_action": "/consent/revoke",
            "sharing_action": "/consent/sharing", "errors": []}


@router.post("/consent", tags=TAGS, summary="Give consent to analysis")
def give_consent(ctx: CtxDep, form: FormDep) -> Response:
    """Record the client's consent; the therapist can then add sessions."""
    _user, client = own_client(ctx)
    if str(form.get("agree") or "") != "yes":
        raise WebError(400, "Please tick the box to say that you agree.")
    actions.give_consent(ctx.db, client)
    audit.record(ctx, "consented", "consent", None, client)
    client.comments_to_supervisor = str(form.get("comments_to_supervisor") or "") == "yes"
    return ctx.done("/me")


@router.post("/consent/sharing", tags=TAGS, summary="Choose whether my comments reach a supervisor")
def set_sharing(ctx: CtxDep, form: FormDep) -> Response:
    """Field ``comments_to_supervisor`` (yes/no): whether a supervisor may read the client's own words."""
    _user, client = own_client(ctx)
    client.comments_to_supervisor = str(form.get("comments_to_supervisor") or "") == "yes"
    audit.record(ctx, "changed", "consent", None, client,
                 "comments reach a supervisor: " + ("yes" if client.comments_to_supervisor else "no"))
    return ctx.done("/consent")


REVOKE = "withdraw your consent and delete your sessions"


@router.post("/consent/revoke", tags=TAGS, summary="Revoke consent (deletes the client's data)",
             openapi_extra=confirmed_form_openapi(REVOKE))
def revoke_consent(ctx: CtxDep, form: FormDep) -> Response:
    """Withdraw consent: delete every transcript, profile and check-in of the client, and say so.

    Only with the confirmation ``sure=yes``; without it nothing is deleted and the answer is 400.
    """
    _user, client = own_client(ctx)
    refusal = refuse_unconfirmed(ctx, form, REVOKE, "consent.html", lambda: consent(ctx=ctx))
    if refusal is not None:
        return refusal
    deleted = actions.revoke_consent(ctx.db, client)
    audit.record(ctx, "withdrew", "consent", None, client, f"{deleted.sessions} session(s) deleted")
    data = {"deleted": {"sessions": deleted.sessions, "transcripts": deleted.transcripts,
                        "profiles": deleted.profiles, "check_ins": deleted.check_ins,
                        "reflections": deleted.reflections,
                        "self_descriptions": deleted.self_descriptions,
                        "agreement_versions": deleted.agreement_versions,
                        "agreement_marks": deleted.agreement_marks}}
    if "application/json" in ctx.request.headers.get("accept", ""):
        return ctx.done("/consent", data)
    return ctx.render("revoked.html", data)
