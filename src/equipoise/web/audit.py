"""The audit trail: who viewed or exported which session, report, check-in or reflection, and who changed
what. Written to the database (never a text log), with ids and field names only, never transcript text or
answers; kept when the data it speaks of is deleted. A client reads the trail of their own record, the
administrator the whole of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..store import actions

if TYPE_CHECKING:
    from ..store.models import AuditEvent, Client
    from .core import Ctx

# What each action is called on the pages.
ACTIONS: dict[str, str] = {
    "viewed": "viewed", "exported": "downloaded", "created": "added", "changed": "changed",
    "deleted": "deleted", "corrected": "corrected", "looked_first": "chose to see before answering",
    "consented": "gave consent", "withdrew": "withdrew consent and deleted", "answered": "answered",
}
KINDS: dict[str, str] = {
    "session": "the session", "report": "the report", "profile": "the profile", "check_in": "the check-in",
    "reflection": "the therapist's reflection", "comparison": "perceived vs measured", "course": "the course",
    "data": "all their data", "consent": "consent", "password": "their password", "account": "an account",
    "supervision_comment": "a supervision comment", "self_description": "their self-description",
    "agreement": "the practice agreement", "agreement_mark": "a mark on the practice agreement",
    "research": "the research export (measured numbers under a code, no names or words)",
}


def record(ctx: Ctx, action: str, kind: str, object_id: str | None, client: Client | None,
           details: str | None = None) -> None:
    """Write one event for the signed-in user (``details``: field names or counts, never content), in the
    request's transaction, just before it commits (:meth:`Ctx.later`)."""
    event = actions.audit_event(ctx.user, action, kind, object_id, client=client, details=details)
    ctx.later(lambda: ctx.db.add(event))


def event_json(event: AuditEvent) -> dict[str, Any]:
    """One event as the pages show it."""
    return {"at": event.at.isoformat() if event.at else None, "who": event.actor_name,
            "role": event.actor_role, "action": event.action, "object_kind": event.object_kind,
            "object_id": event.object_id, "client_record": event.client_ref, "details": event.details,
            "words": f"{ACTIONS.get(event.action, event.action)} "
                     f"{KINDS.get(event.object_kind, event.object_kind)}"}
