"""One session: its page, its report, the two voices about it (check-in, reflection) and the comparison."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from ...profile import Profile
from ...store import actions
from ...store.models import CheckIn, Reflection
from .. import audit, blinding, context, perception, views
from ..access import access_to_session, require_owner
from ..core import (
    CtxDep,
    FormDep,
    WebError,
    confirmed_form_openapi,
    refuse_unconfirmed,
    twin,
    wants_json,
)
from ..reports import session_report, transcript_from_turns

router = APIRouter()
TAGS = ["sessions"]
REFLECTION_EXTRA = tuple(perception.REFLECTION_PROMPTS)

# The report draws its charts with inlined JavaScript and styles. It runs in a sandboxed frame (no access
# to this site's cookies or pages) and may load nothing from anywhere.
REPORT_CSP = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
              "img-src data: blob:; font-src data:; frame-ancestors 'self'; sandbox allow-scripts")


def report_response(html: str) -> HTMLResponse:
    return HTMLResponse(html, headers={"Content-Security-Policy": REPORT_CSP})


@twin(router, "/sessions/{session_id}", "session.html", summary="A session", tags=TAGS)
def session_page(ctx: CtxDep, session_id: str) -> dict[str, Any]:
    """A session's summary, what is stored about it and where its report and comparison are.

    Until the viewer has answered (the client's check-in, the therapist's reflection) the other side's
    answers and the report are held back (``blinded``); ``unblind_action`` shows them anyway, on record.
    """
    user = ctx.require("therapist", "supervisor", "client")
    access, session = access_to_session(ctx.db, user, session_id)
    blind = blinding.blinded(access, session)
    profile = views.profile_for_viewer(access, session) or {}
    data: dict[str, Any] = {
        "session": views.session_row(session, access.show_names, blind=blind,
                                     for_client=access.mode == "self"),
        "client": views.client_view(ctx.db, access), "mode": access.mode,
        "report_href": f"/sessions/{session_id}/report" if session.profile and not blind else None,
        "has_check_in": session.check_in is not None,
        "check_in": None if blind and access.mode == "owner" else views.check_in_for_viewer(access, session),
        # Who the reader took to be the therapist and the client: worth checking when roles were inferred.
        "speakers": (profile.get("transcript") or {}).get("speakers", []),
        "reading_notices": list(session.reading_notices or []) if access.mode == "owner" else [],
        "corrections": profile.get("corrections", []),
        "blinded": blind, "blind_notice": blinding.notice(access) if blind else None,
        "unblind_action": f"/sessions/{session_id}/unblind", "errors": [],
        "context_prompt": context.for_access(ctx.db, access)["context_prompt"],
    }
    if access.mode != "self":
        from .supervision import comments_json

        data["reflection"] = perception.reflection_for(session.reflection, access.mode)
        data["compare_href"] = f"/sessions/{session_id}/compare"
        data["supervision_comments"] = comments_json(session)
    if access.mode == "supervisor":
        data["comment_action"] = f"/sessions/{session_id}/comments"
        data["hidden"] = views.hidden_from_supervisor(access)
    if access.mode == "owner":
        # The link to give the client: it asks them to sign in first if they are not.
        data["check_in_url"] = ctx.link(f"/sessions/{session_id}/check-in")
        data["edit_href"] = f"/sessions/{session_id}/edit"
    if not blind and (data["report_href"] or (access.mode == "owner" and session.check_in)):
        blinding.mark_seen(access, session)
    audit.record(ctx, "viewed", "session", session_id, access.client)
    return data


def _unblinded(access: Any, session: Any) -> None:
    """Refuse while the viewer has still to answer first; else record that they have seen the other side."""
    if blinding.blinded(access, session):
        raise WebError(409, blinding.notice(access) + " To look first, use \u201cI want to see it now\u201d "
                            "on the session's page.")
    blinding.mark_seen(access, session)


@router.post("/sessions/{session_id}/unblind", tags=TAGS, summary="See the other side before answering")
def unblind(ctx: CtxDep, session_id: str, form: FormDep) -> Response:
    """"I want to see it now": show the report (and, to the therapist, the client's answers) before
    answering; an answer given afterwards is marked as given after seeing them."""
    access, session = access_to_session(ctx.db, ctx.require("therapist", "client"), session_id)
    if access.mode not in ("owner", "self"):
        raise WebError(403, "Only the client and their therapist answer about a session.")
    blinding.mark_seen(access, session)
    audit.record(ctx, "looked_first", "report", session_id, access.client)
    return ctx.done(f"/sessions/{session_id}")


@router.get("/sessions/{session_id}/report", include_in_schema=False, response_class=HTMLResponse)
def report(ctx: CtxDep, session_id: str) -> Response:
    """The session's report (the same as the HTML output); the client reads the client version."""
    access, session = access_to_session(ctx.db, ctx.require("therapist", "supervisor", "client"), session_id)
    if session.profile is None:
        raise WebError(404, "This session has no profile.")
    # Blinding and the audit trail come before the cache: a cached report is still refused while the
    # viewer has to answer first, and every view of it is on record.
    _unblinded(access, session)
    audit.record(ctx, "viewed", "report", session_id, access.client)
    audience = "client" if access.mode == "self" else "therapist"
    key = ("session", session.id, session.profile.created_at.isoformat(), session.title, audience,
           access.mode, access.show_names)
    return report_response(ctx.state.reports.get_or_render(key, lambda: _render(access, session, audience)))


def _render(access: Any, session: Any, audience: str) -> str:
    profile = views.titled(access, session, views.profile_for_viewer(access, session) or {})
    turns = views.turns_for_viewer(access, session)
    transcript = None
    if turns is not None:
        transcript = transcript_from_turns(str(profile.get("transcript", {}).get("id") or session.title),
                                           turns, session.source_format)
    return session_report(profile, transcript, audience)


@router.get("/api/sessions/{session_id}/profile", tags=TAGS, summary="A session's profile (JSON twin of "
            "its report)")
def profile_json(ctx: CtxDep, session_id: str) -> dict[str, Any]:
    """The stored Profile JSON (schema_version 1; speaker names hidden from supervisors unless shared)."""
    access, session = access_to_session(ctx.db, ctx.require("therapist", "supervisor", "client"), session_id)
    profile = views.profile_for_viewer(access, session)
    if profile is None:
        raise WebError(404, "This session has no profile.")
    _unblinded(access, session)
    audit.record(ctx, "viewed", "profile", session_id, access.client)
    return profile


@twin(router, "/sessions/{session_id}/compare", "compare.html", summary="Perceived vs measured", tags=TAGS)
def compare(ctx: CtxDep, session_id: str) -> dict[str, Any]:
    """The client's answers, the therapist's expectation and the measured profile, with the gaps.

    Each side's ``after_seeing`` says whether it was given after seeing the other side or the report.
    """
    access, session = access_to_session(ctx.db, ctx.require("therapist", "supervisor"), session_id)
    _unblinded(access, session)
    audit.record(ctx, "viewed", "comparison", session_id, access.client,
                 "check-in and reflection" if session.check_in and session.reflection else None)
    check_in = views.check_in_for_viewer(access, session)
    prediction = perception.reflection_for(session.reflection, access.mode)
    measured = Profile.from_dict(session.profile.data) if session.profile else None
    result = perception.compare(check_in, prediction, measured,
                                reader="supervisor" if access.mode == "supervisor" else "therapist")
    return {"session": views.session_row(session, access.show_names),
            "client": views.client_view(ctx.db, access),
            "mode": access.mode, "check_in": check_in, "reflection": prediction,
            "after_seeing": {"client": bool(session.check_in and session.check_in.after_seeing),
                             "therapist": bool(session.reflection and session.reflection.after_seeing)},
            **result}


@twin(router, "/sessions/{session_id}/reflection", "reflection.html", summary="Self-reflection form",
      tags=TAGS)
def reflection_form(ctx: CtxDep, session_id: str) -> dict[str, Any]:
    """The therapist's reflection: expected client answers and prompts on their own use of power."""
    access, session = access_to_session(ctx.db, ctx.require("therapist"), session_id)
    require_owner(access)
    blind = blinding.blinded(access, session)
    return {"session": views.session_row(session, access.show_names, blind=blind),
            "client": views.client_view(ctx.db, access), "blinded": blind,
            "blind_notice": blinding.notice(access) if blind else None,
            "values": perception.reflection_for(session.reflection, access.mode) or {},
            "prompts": perception.REFLECTION_PROMPTS, "items": [i.prediction for i in perception.ITEMS],
            "action": f"/sessions/{session_id}/reflection", "csrf_token": ctx.csrf, "errors": []}


@router.post("/sessions/{session_id}/reflection", tags=TAGS, summary="Save the self-reflection")
def save_reflection(ctx: CtxDep, session_id: str, form: FormDep) -> Response:
    """Store the therapist's reflection, then show the comparison."""
    access, session = access_to_session(ctx.db, ctx.require("therapist"), session_id)
    require_owner(access)
    values, problems = perception.parse_answers(form, extra=REFLECTION_EXTRA)
    values["shared_with_supervisor"] = perception.shared_prompts(form, values)
    if problems:
        if wants_json(ctx.request):
            raise WebError(400, " ".join(problems))
        data = reflection_form(ctx=ctx, session_id=session_id)
        return ctx.render("reflection.html", {**data, "values": values, "errors": problems}, status=400)
    values["after_seeing"] = blinding.seen_before(access, session)
    audit.record(ctx, "changed" if session.reflection else "created", "reflection", session_id, access.client,
                 "shared with supervisors: " + (", ".join(values["shared_with_supervisor"]) or "none"))
    actions.save_answers(ctx.db, Reflection, session, values)
    return ctx.done(f"/sessions/{session_id}/compare")


@twin(router, "/sessions/{session_id}/check-in", "checkin.html", summary="The client's check-in form",
      tags=TAGS)
def check_in_form(ctx: CtxDep, session_id: str) -> dict[str, Any]:
    """The one-minute check-in after a session: four items, who held the power, an optional comment."""
    _access, session = access_to_session(ctx.db, ctx.require("client"), session_id)
    # The comment too: the form says answers can be changed at any time, so nothing may get lost.
    values = perception.answers_of(session.check_in, extra=("comment",)) or {}
    blind = blinding.blinded(_access, session)
    return {"session": views.session_row(session, blind=blind, for_client=True), "values": values,
            "blinded": blind, "blind_notice": blinding.notice(_access) if blind else None,
            "items": [i.text for i in perception.ITEMS], "who_held": perception.WHO_HELD,
            "action": f"/sessions/{session_id}/check-in", "csrf_token": ctx.csrf, "errors": [],
            "done": False, "allows_supervisor": _access.client.comments_to_supervisor}


@router.post("/sessions/{session_id}/check-in", tags=TAGS, summary="Send the check-in")
def save_check_in(ctx: CtxDep, session_id: str, form: FormDep) -> Response:
    """Store the client's answers (sending again replaces them)."""
    _access, session = access_to_session(ctx.db, ctx.require("client"), session_id)
    values, problems = perception.parse_answers(form)
    values["comment"] = str(form.get("comment") or "").strip()[:5000] or None
    if problems:
        if wants_json(ctx.request):
            raise WebError(400, " ".join(problems))
        data = check_in_form(ctx=ctx, session_id=session_id)
        return ctx.render("checkin.html", {**data, "values": values, "errors": problems}, status=400)
    values["after_seeing"] = blinding.seen_before(_access, session)
    audit.record(ctx, "changed" if session.check_in else "created", "check_in", session_id, _access.client)
    actions.save_answers(ctx.db, CheckIn, session, values)
    if wants_json(ctx.request):
        return ctx.done("/me")
    data = check_in_form(ctx=ctx, session_id=session_id)
    return ctx.render("checkin.html", {**data, "done": True})


DELETE = "delete this session"


@router.post("/sessions/{session_id}/delete", tags=TAGS, summary="Delete a session",
             openapi_extra=confirmed_form_openapi(DELETE))
def delete_session(ctx: CtxDep, session_id: str, form: FormDep) -> Response:
    """Delete a session with its transcript, profile, check-in and reflection.

    Only with the confirmation ``sure=yes``; without it nothing is deleted and the answer is 400.
    """
    access, session = access_to_session(ctx.db, ctx.require("therapist"), session_id)
    require_owner(access)
    refusal = refuse_unconfirmed(ctx, form, DELETE, "session.html",
                                 lambda: session_page(ctx=ctx, session_id=session_id))
    if refusal is not None:
        return refusal
    audit.record(ctx, "deleted", "session", session_id, access.client)
    actions.delete_session(ctx.db, session)
    return ctx.done(f"/clients/{access.client.public_id}")
