"""The therapist's practice: the caseload, a client, inviting them, uploading a session, the course."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from ...store import actions
from ...store import agreement as stored_agreement
from ...store.models import Client
from .. import audit, blinding, context, views
from ..access import access_to_client, require_owner
from ..core import CtxDep, FormDep, WebError, twin, wants_json
from ..frame import frame_for
from ..reports import analyse as analyse_transcript
from ..reports import course_report

router = APIRouter()
TAGS = ["practice"]
T = TypeVar("T")


@twin(router, "/clients", "clients.html", summary="My clients and the caseload's answers", tags=TAGS)
def clients(ctx: CtxDep) -> dict[str, Any]:
    """The therapist's clients, and how clients and therapist answered "who held the power?"."""
    user = ctx.require("therapist")
    rows = list(ctx.db.scalars(select(Client).where(Client.therapist_id == user.id).order_by(Client.id)))
    # Sessions the therapist has still to answer about stay out of the counts (blinding).
    sessions = [s for c in rows for s in c.sessions if s.reflection is not None or s.therapist_seen_at]
    client_answers = views.who_held_counts(s.check_in.who_held if s.check_in else None for s in sessions)
    predicted = views.who_held_counts(s.reflection.who_held if s.reflection else None for s in sessions)
    return {"clients": [{**views.client_view(ctx.db, access_to_client(ctx.db, user, c.public_id)),
                         "n_sessions": len(c.sessions)} for c in rows],
            "who_held": {"clients": client_answers, "predicted": predicted}}


@router.post("/clients", tags=TAGS, summary="Add a client")
def add_client(ctx: CtxDep, form: FormDep) -> Response:
    """Add a client (``label``: what you call them; they choose their own name when they join)."""
    user = ctx.require("therapist")
    label = str(form.get("label") or "").strip()[:200]
    if not label:
        raise WebError(400, "Please give the client a name or a pseudonym.")
    client = actions.create_client(ctx.db, user, label)
    return ctx.done(f"/clients/{client.public_id}", {"client_id": client.public_id})


@twin(router, "/clients/{client_id}", "client.html", summary="A client: consent, sessions, invitation",
      tags=TAGS)
def client(ctx: CtxDep, client_id: str) -> dict[str, Any]:
    """One client's consent, account and sessions, as the therapist (or a supervisor) sees them."""
    access = access_to_client(ctx.db, ctx.require("therapist", "supervisor"), client_id)
    return {"client": views.client_view(ctx.db, access), "read_only": access.read_only,
            "hidden": views.hidden_from_supervisor(access) if access.read_only else [],
            "sessions": [views.session_row(s, access.show_names, blind=blinding.blinded(access, s))
                         for s in access.client.sessions],
            "course_href": f"/clients/{client_id}/course",
            "agreement_href": f"/clients/{client_id}/agreement",
            "agreement_open": sum(1 for m in stored_agreement.marks(ctx.db, access.client)
                                  if m.answered_at is None),
            **context.for_access(ctx.db, access)}


@router.post("/clients/{client_id}/invite", tags=TAGS, summary="Make a one-time invitation link")
def invite(ctx: CtxDep, client_id: str, form: FormDep) -> Response:
    """A new one-time link for the client to create their account (earlier unused links stop working)."""
    access = access_to_client(ctx.db, ctx.require("therapist"), client_id)
    require_owner(access)
    if access.client.user_id is not None:
        raise WebError(409, "This client already has an account.")
    token = actions.new_invite(ctx.db, access.client, ctx.settings.invite_max_age_seconds)
    url = ctx.link(f"/invite/{token}")
    data = {"invite_url": url, "client": views.client_view(ctx.db, access),
            "valid_days": round(ctx.settings.invite_max_age_seconds / 86400, 1)}
    if "application/json" in ctx.request.headers.get("accept", ""):
        return ctx.done(f"/clients/{client_id}", data)
    return ctx.render("invite_created.html", data)


@twin(router, "/clients/{client_id}/upload", "upload.html", summary="Form to add a session", tags=TAGS)
def upload_form(ctx: CtxDep, client_id: str) -> dict[str, Any]:
    """What the session form posts: a transcript file or pasted text, an optional title and format."""
    from ...ingest import formats

    access = access_to_client(ctx.db, ctx.require("therapist"), client_id)
    require_owner(access)
    return {"client": views.client_view(ctx.db, access), "formats": formats.names(),
            "max_upload_bytes": ctx.settings.max_upload_bytes, "action": f"/clients/{client_id}/sessions",
            "csrf_token": ctx.csrf, "error": None, "values": {}}


_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")

# The readers speak to the command line; on the web the same choices are the upload form's options.
_CLI_WORDS = (
    (re.compile(r"run `equipoise batch FOLDER --out DIR` to analyse every transcript in a folder"),
     "upload the transcripts one at a time"),
    (re.compile(r"(?:--therapist/--client|--therapist NAME|--therapist)"),
     "the \u201cTherapist's speaker name\u201d option under \u201cOptions\u201d"),
    (re.compile(r"(?:--client NAME|--client)"),
     "the \u201cTherapist's speaker name\u201d option under \u201cOptions\u201d (every other speaker is "
     "then a client), or correct the roles on the session's page"),
    (re.compile(r"--input-format(?: NAME)?"), "the \u201cFormat\u201d option under \u201cOptions\u201d"),
    (re.compile(r"--merge-consecutive"), "merging consecutive turns"),
    (re.compile(r"\(`equipoise transcribe` writes it\)"), "(the report below shows it turn by turn)"),
)


def for_the_web(message: str) -> str:
    """A reader's message in the words of the upload form: no command-line flags.

    >>> for_the_web("or force another format with --input-format")
    'or force another format with the “Format” option under “Options”'
    """
    for pattern, words in _CLI_WORDS:
        message = pattern.sub(words, message)
    return message


def run_upload(ctx: CtxDep, data: bytes, filename: str, input_format: str | None,
               therapist: list[str]) -> Any:
    """Read and analyse an upload in memory through the one function every edge uses."""
    from ...runner import run_one

    name = _SAFE.sub("_", Path(filename).name)[-120:] or "pasted.txt"
    # A module-level function and plain data, so that the work can run in a process of its own
    work = functools.partial(run_one, name, data=data, analyse=ctx.state.analyse or analyse_transcript,
                             load_options={"input_format": input_format or None, "therapist": therapist})
    return analysed(ctx, filename, work)


def analysed(ctx: CtxDep, filename: str, work: Callable[[], T], what: str = "The transcript") -> T:
    """``work()``, which reads or analyses ``filename``, within the app's budget of time, memory and
    places (in a process of its own unless the app was given its own analysis, as tests do); what it
    raised becomes the user's error."""
    from ...runner import failure

    try:
        return ctx.state.budget.run(filename, work, isolated=ctx.state.analyse is None)
    except Exception as exc:
        problem = failure(exc, filename)
        if problem.kind == "unexpected":
            raise  # the app logs its type and place, and answers 500 without its message
        message = f"{what} {problem.kind}: {for_the_web(problem.message)}"
        raise WebError(problem.http_status, message) from None


@router.post("/clients/{client_id}/sessions", tags=TAGS, summary="Add a session (upload or paste)")
def add_session(ctx: CtxDep, client_id: str, form: FormDep) -> Response:
    """Read the transcript, compute its profile and store both; then show the session.

    A transcript that cannot be read brings the form back with the reason (JSON clients get the error).
    """
    access = access_to_client(ctx.db, ctx.require("therapist"), client_id)
    require_owner(access)
    try:
        return _add_session(ctx, access, form)
    except WebError as exc:
        if wants_json(ctx.request) or exc.status not in (400, 409, 413, 422, 503):
            raise
        # The form comes back as it was sent (a file cannot be put back, pasted text and the title can).
        data = upload_form(ctx=ctx, client_id=client_id)
        kept = {key: str(form.get(key) or "") for key in ("title", "text", "input_format", "therapist_name")
                if isinstance(form.get(key) or "", str)}
        return ctx.render("upload.html", {**data, "error": exc.message, "values": kept}, status=exc.status)


def _add_session(ctx: CtxDep, access: Any, form: Any) -> Response:
    if not access.client.has_consent:
        raise WebError(409, "This client has not given consent to analysis (or has withdrawn it), so no "
                            "session can be added yet. Your pasted text is kept below. Ask the client to "
                            "give consent on their \u201cMy consent\u201d page (if they have no account "
                            "yet, make them an invitation link on their page first), then send the form "
                            "again.")
    upload = form.get("file")
    pasted = str(form.get("text") or "")
    input_format = str(form.get("input_format") or "").strip() or None
    therapist = [n.strip() for n in str(form.get("therapist_name") or "").split(",") if n.strip()]
    has_file = upload is not None and not isinstance(upload, str) and bool(upload.filename)
    if has_file and pasted.strip():
        raise WebError(400, "Please send either a file or pasted text, not both: nothing was stored. "
                            "Remove the file or clear the text box, then send the form again.")
    if has_file:
        data = upload.file.read()
        filename = upload.filename
    elif pasted.strip():
        data, filename = pasted.encode("utf-8"), "pasted.txt"
        input_format = input_format or "plain"
    else:
        raise WebError(400, "Please choose a transcript file or paste the transcript text.")
    if not data.strip():
        raise WebError(400, f"The file {filename} is empty.")
    ran = run_upload(ctx, data, filename, input_format, therapist)
    transcript, profile = ran.transcript, ran.profile
    title = str(form.get("title") or "").strip()[:200]
    notices = [for_the_web(n) for n in transcript.notices]
    session = actions.add_session(ctx.db, access.client, title=title, source_name=filename,
                                  source_format=transcript.source_format or "unknown",
                                  turns=actions.turns_of(transcript), profile=profile, notices=notices)
    audit.record(ctx, "created", "session", session.public_id, access.client)
    return ctx.done(f"/sessions/{session.public_id}", {"session_id": session.public_id, "notices": notices})


@twin(router, "/clients/{client_id}/course", "course.html", summary="The course of therapy", tags=TAGS)
def course(ctx: CtxDep, client_id: str) -> dict[str, Any]:
    """Per session: the measured power lean beside the client's and the therapist's answers."""
    access = access_to_client(ctx.db, ctx.require("therapist", "supervisor", "client"), client_id)
    sessions = list(access.client.sessions)
    points = views.course_points(sessions)
    for point, session in zip(points, sessions, strict=True):
        if access.mode == "self":  # the client sees their own answers, not the therapist's private ones
            point["predicted"] = point["predicted_answer"] = point["predicted_items"] = None
        if blinding.blinded(access, session):  # not yet answered: the other side stays hidden
            point["measured"] = None
            if access.mode == "owner":
                point["client"] = point["client_answer"] = point["client_items"] = None
        else:
            blinding.mark_seen(access, session)
    shown = [s for s in sessions if s.profile and not blinding.blinded(access, s)]
    audit.record(ctx, "viewed", "course", client_id, access.client)
    return {"client": views.client_view(ctx.db, access), "mode": access.mode, "points": points,
            "sessions": [views.session_row(s, access.show_names, blind=blinding.blinded(access, s),
                                           for_client=access.mode == "self")
                         for s in sessions],
            "report_href": f"/clients/{client_id}/course/report" if shown else None,
            "context_prompt": context.for_access(ctx.db, access)["context_prompt"]}


@router.get("/clients/{client_id}/course/report", include_in_schema=False, response_class=HTMLResponse)
def course_report_page(ctx: CtxDep, client_id: str) -> Response:
    """The measured course report (from equipoise.report) as its own document, for a sandboxed frame."""
    from .sessions import report_response

    access = access_to_client(ctx.db, ctx.require("therapist", "supervisor", "client"), client_id)
    analysed = [s for s in access.client.sessions if s.profile is not None]
    if not analysed:
        raise WebError(404, "There are no analysed sessions for this client yet.")
    with_profiles = [s for s in analysed if not blinding.blinded(access, s)]
    if not with_profiles:
        raise WebError(409, blinding.notice(access))
    # Each session under its own title, numbered so that two sessions never share a label.
    profiles = [views.titled(access, s, views.profile_for_viewer(access, s) or {}, f"#{s.number} {s.title}")
                for s in with_profiles]
    links = {str(p.get("transcript", {}).get("id")): f"/sessions/{s.public_id}/report"
             for p, s in zip(profiles, with_profiles, strict=True)}
    audience = "client" if access.mode == "self" else "therapist"
    title = "your sessions" if access.mode == "self" else views.client_view(ctx.db, access)["name"]
    return report_response(course_report(profiles, audience, links, title, frame_for(ctx.db, access)))
