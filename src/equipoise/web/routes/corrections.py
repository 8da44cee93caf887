"""Correcting a session in place: speakers' roles and names, title and date; the analysis runs again.

A wrong role (a first session where the client asks the questions) used to mean deleting and uploading
again. Now the therapist corrects it here; the profile is computed again from the stored turns and records
that it was corrected, when and by whom (``corrections``, an additive field of the Profile JSON).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from ...model import Role
from ...store import actions
from ...store.models import utcnow
from .. import audit, views
from ..access import access_to_session, require_owner
from ..core import CtxDep, FormDep, WebError, twin, wants_json
from ..reports import analyse as analyse_transcript
from ..reports import transcript_from_turns
from .practice import analysed

router = APIRouter()
TAGS = ["sessions"]
ROLES = [role.value for role in Role]


def speakers_of(turns: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Each speaker once, in order of first turn, with their role."""
    seen: dict[str, str] = {}
    for turn in turns:
        seen.setdefault(str(turn["speaker"]), str(turn["role"]))
    return [{"name": name, "role": role} for name, role in seen.items()]


@twin(router, "/sessions/{session_id}/edit", "edit.html", summary="Correct a session", tags=TAGS)
def edit_form(ctx: CtxDep, session_id: str) -> dict[str, Any]:
    """The session's title, date and speakers (name and role), to correct; saving analyses it again.

    Form fields: ``title``, ``session_date`` (YYYY-MM-DD or empty), and per speaker N (from 0)
    ``speaker_N_name`` and ``speaker_N_role`` (therapist, client or other).
    """
    access, session = access_to_session(ctx.db, ctx.require("therapist"), session_id)
    require_owner(access)
    turns = list(session.transcript.turns) if session.transcript else []
    return {"session": views.session_row(session, blind=True),
            "client": views.client_view(ctx.db, access),
            "values": {"title": session.title,
                       "session_date": session.session_date.isoformat() if session.session_date else ""},
            "speakers": speakers_of(turns), "roles": ROLES,
            "notices": list(session.reading_notices or []),
            "action": f"/sessions/{session_id}/edit", "csrf_token": ctx.csrf, "errors": []}


def _parse(form: Any, speakers: list[dict[str, str]]) -> tuple[dict[str, Any], list[str]]:
    problems: list[str] = []
    title = str(form.get("title") or "").strip()[:200]
    if not title:
        problems.append("Please give the session a title.")
    raw_date = str(form.get("session_date") or "").strip()
    date = None
    if raw_date:
        try:
            date = dt.date.fromisoformat(raw_date)
        except ValueError:
            problems.append("Please give the date as YYYY-MM-DD, or leave it empty.")
    renamed: dict[str, tuple[str, str]] = {}
    for index, speaker in enumerate(speakers):
        name = str(form.get(f"speaker_{index}_name") or speaker["name"]).strip()[:200]
        role = str(form.get(f"speaker_{index}_role") or speaker["role"]).strip()
        if role not in ROLES:
            problems.append(f"Speaker {index + 1}: the role must be one of {', '.join(ROLES)}.")
        renamed[speaker["name"]] = (name, role)
    names = [name for name, _role in renamed.values()]
    if len(set(names)) != len(names) or not all(names):
        problems.append("Every speaker needs a name of their own.")
    roles = {role for _name, role in renamed.values()}
    if "therapist" not in roles or "client" not in roles:
        problems.append("At least one speaker must be the therapist and one the client.")
    return {"title": title, "session_date": date, "speakers": renamed}, problems


@router.post("/sessions/{session_id}/edit", tags=TAGS, summary="Correct a session and analyse it again")
def save_edit(ctx: CtxDep, session_id: str, form: FormDep) -> Response:
    """Apply the corrections, analyse the corrected turns again and record who corrected what."""
    user = ctx.require("therapist")
    access, session = access_to_session(ctx.db, user, session_id)
    require_owner(access)
    turns = [dict(t) for t in (session.transcript.turns if session.transcript else [])]
    values, problems = _parse(form, speakers_of(turns))
    if problems:
        if wants_json(ctx.request):
            raise WebError(400, " ".join(problems))
        data = edit_form(ctx=ctx, session_id=session_id)
        return ctx.render("edit.html", {**data, "errors": problems}, status=400)
    changed = []
    if values["title"] != session.title:
        changed.append("title")
    if values["session_date"] != session.session_date:
        changed.append("date")
    renamed = values["speakers"]
    if any(new_name != old for old, (new_name, _r) in renamed.items()):
        changed.append("speaker names")
    if any(renamed[turn["speaker"]][1] != turn["role"] for turn in turns):
        changed.append("roles")
    session.title, session.session_date = values["title"], values["session_date"]
    if {"speaker names", "roles"} & set(changed) and turns:
        corrected = [{**turn, "speaker": renamed[turn["speaker"]][0], "role": renamed[turn["speaker"]][1]}
                     for turn in turns]
        previous = dict(session.profile.data) if session.profile else {}
        transcript = transcript_from_turns(str((previous.get("transcript") or {}).get("id") or session.title),
                                           corrected, session.source_format)
        work = functools.partial(ctx.state.analyse or analyse_transcript, transcript)
        profile = analysed(ctx, session.source_name, work, "The corrected session")
        profile["corrections"] = [*previous.get("corrections", []),
                                  {"at": utcnow().isoformat(), "by": user.display_name,
                                   "by_role": user.role, "changed": changed}]
        actions.replace_profile(ctx.db, session, corrected, profile)
        session.reading_notices = [*(session.reading_notices or []),
                                   f"Roles and names corrected by {user.display_name}; analysed again."]
    elif changed and session.profile is not None:
        profile = dict(session.profile.data)
        profile["corrections"] = [*profile.get("corrections", []),
                                  {"at": utcnow().isoformat(), "by": user.display_name,
                                   "by_role": user.role, "changed": changed}]
        session.profile.data = profile
    if changed:
        audit.record(ctx, "corrected", "session", session_id, access.client, ", ".join(changed))
    return ctx.done(f"/sessions/{session_id}", {"changed": changed})
