"""Supervision: the therapist opts in per supervisor; the supervisor reads and comments, never changes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import select

from ...store import actions
from ...store.models import Client, SupervisionComment, SupervisionShare, User, UserRole
from .. import audit, context, views
from ..access import access_to_client, access_to_session
from ..core import CtxDep, FormDep, WebError, twin

router = APIRouter()
TAGS = ["supervision"]


@twin(router, "/supervision", "supervision.html", summary="Choose who supervises my work", tags=TAGS)
def supervision(ctx: CtxDep) -> dict[str, Any]:
    """The supervisors of this practice, and which of them may read your work (read-only)."""
    user = ctx.require("therapist")
    shares = {s.supervisor_id: s for s in ctx.db.scalars(
        select(SupervisionShare).where(SupervisionShare.therapist_id == user.id))}
    supervisors = ctx.db.scalars(select(User).where(User.role == UserRole.SUPERVISOR).order_by(User.id))
    # The e-mail address too: two supervisors may share a display name.
    return {"supervisors": [{"id": s.id, "display_name": s.display_name, "email": s.email,
                             "shared": s.id in shares,
                             "show_client_names": bool(shares[s.id].show_client_names) if s.id in shares
                             else False} for s in supervisors],
            "action": "/supervision", "csrf_token": ctx.csrf}


@router.post("/supervision", tags=TAGS, summary="Opt in or out of supervision by one supervisor")
def set_supervision(ctx: CtxDep, form: FormDep) -> Response:
    """Fields: ``supervisor_id``, ``shared`` (yes/no), ``show_client_names`` (yes/no)."""
    user = ctx.require("therapist")
    try:
        supervisor = ctx.db.get(User, int(str(form.get("supervisor_id") or "")))
    except ValueError:
        supervisor = None
    if supervisor is None or supervisor.role != UserRole.SUPERVISOR:
        raise WebError(400, "Please choose one of the supervisors listed on the supervision page.")
    actions.set_share(ctx.db, user, supervisor, shared=form.get("shared") == "yes",
                      show_client_names=form.get("show_client_names") == "yes")
    return ctx.done("/supervision")


def _supervised(ctx: CtxDep, therapist_id: int) -> tuple[User, SupervisionShare]:
    supervisor = ctx.require("supervisor")
    share = actions.share_between(ctx.db, therapist_id, supervisor.id)
    therapist = ctx.db.get(User, therapist_id)
    if share is None or therapist is None:
        raise WebError(404, f"No supervisee {therapist_id} who shares their work with you.")
    return therapist, share


@twin(router, "/supervisees", "supervisees.html", summary="The therapists I supervise", tags=TAGS)
def supervisees(ctx: CtxDep) -> dict[str, Any]:
    """Therapists who opted in to your supervision."""
    supervisor = ctx.require("supervisor")
    shares = ctx.db.scalars(select(SupervisionShare).where(SupervisionShare.supervisor_id == supervisor.id))
    rows = []
    for share in shares:
        therapist = ctx.db.get(User, share.therapist_id)
        if therapist is not None:
            rows.append({"id": therapist.id, "display_name": therapist.display_name,
                         "show_client_names": share.show_client_names,
                         "href": f"/supervisees/{therapist.id}"})
    return {"supervisees": rows}


@twin(router, "/supervisees/{therapist_id}", "supervisee.html", summary="A supervisee's caseload",
      tags=TAGS)
def supervisee(ctx: CtxDep, therapist_id: int) -> dict[str, Any]:
    """A supervisee's clients (as "Client N" unless names are shared), sessions and caseload answers."""
    therapist, share = _supervised(ctx, therapist_id)
    supervisor = ctx.require("supervisor")
    clients = list(ctx.db.scalars(select(Client).where(Client.therapist_id == therapist.id)
                                  .order_by(Client.id)))
    sessions = [s for c in clients for s in c.sessions]
    own = context.description_of(ctx.db, therapist.id)
    return {"therapist": {"id": therapist.id, "display_name": therapist.display_name},
            "show_client_names": share.show_client_names,
            "therapist_context": context.shown_to(own, UserRole.THERAPIST, "supervisor"),
            "clients": [{**views.client_view(ctx.db, access_to_client(ctx.db, supervisor, c.public_id)),
                         "sessions": [views.session_row(s, share.show_client_names) for s in c.sessions]}
                        for c in clients],
            "who_held": {
                "clients": views.who_held_counts(s.check_in.who_held if s.check_in else None
                                                 for s in sessions),
                "predicted": views.who_held_counts(s.reflection.who_held if s.reflection else None
                                                   for s in sessions)}}


@router.post("/sessions/{session_id}/comments", tags=TAGS, summary="Leave a supervision comment")
def add_comment(ctx: CtxDep, session_id: str, form: FormDep) -> Response:
    """A supervisor's comment for the therapist: ``text``, and ``turn`` (a turn number, from 0) to comment
    on one turn rather than the whole session. The therapist and the supervisor read it on the session's
    page; the client does not."""
    supervisor = ctx.require("supervisor")
    access, session = access_to_session(ctx.db, supervisor, session_id)
    text = str(form.get("text") or "").strip()[:5000]
    if not text:
        raise WebError(400, "Please write the comment.")
    raw_turn = str(form.get("turn") or "").strip()
    turn = None
    if raw_turn:
        n_turns = len(session.transcript.turns) if session.transcript else 0
        if not raw_turn.isdigit() or int(raw_turn) >= n_turns:
            raise WebError(400, f"The turn must be a number from 0 to {max(n_turns - 1, 0)}, or left empty "
                                "for the whole session.")
        turn = int(raw_turn)
    ctx.db.add(SupervisionComment(session_id=session.id, author_id=supervisor.id,
                                  author_name=supervisor.display_name, turn_index=turn, text=text))
    audit.record(ctx, "created", "supervision_comment", session_id, access.client,
                 f"on turn {turn}" if turn is not None else "on the session")
    return ctx.done(f"/sessions/{session_id}")


def comments_json(session: object) -> list[dict[str, object]]:
    """A session's supervision comments, oldest first."""
    return [{"by": c.author_name, "turn": c.turn_index, "text": c.text,
             "at": c.created_at.isoformat() if c.created_at else None}
            for c in getattr(session, "supervision_comments", [])]
