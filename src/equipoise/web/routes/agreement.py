"""The practice agreement: the therapist writes the frame, the client reads it (before consenting too),
marks items to talk about and reads the answers; every change is a new version, and the client is told
what changed and when.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from ...agreement import ITEMS, MARKS, changes, clean_items, frame_view
from ...store import agreement as stored
from .. import audit, views
from ..access import Access, access_to_client, require_owner
from ..core import CtxDep, FormDep, WebError, twin
from ..frame import frame_for, mark_ids

router = APIRouter()
TAGS = ["agreement"]


def agreement_path(client_id: str) -> str:
    return f"/clients/{client_id}/agreement"


def page_data(ctx: CtxDep, access: Access) -> dict[str, Any]:
    """The agreement page of ``access``'s client as the viewer may read it (no side effects)."""
    client = access.client
    view = frame_view(frame_for(ctx.db, access), "client" if access.mode == "self" else "therapist")
    for mark, ids in zip(view["marks"], mark_ids(ctx.db, access), strict=True):
        mark.update(ids)
    new_versions, new_answers = stored.unseen(ctx.db, client) if access.mode == "self" else ([], 0)
    draft: dict[str, str] = {}
    if access.mode == "owner":
        current = view["items"]
        draft = ({i["key"]: i["text"] for i in current} if current
                 else stored.template_for(ctx.db, ctx.require()))
    path = agreement_path(client.public_id)
    return {"client": views.client_view(ctx.db, access), "mode": access.mode, "read_only": access.read_only,
            "hidden": views.hidden_from_supervisor(access) if access.read_only else [],
            "agreement": view,
            "new": [v for v in view["history"] if v["number"] in new_versions], "new_answers": new_answers,
            "form": ([{"key": i.key, "title": i.title, "prompt": i.prompt, "text": draft.get(i.key, "")}
                      for i in ITEMS] if access.mode == "owner" else []),
            "from_template": access.mode == "owner" and not view["items"] and bool(draft),
            "mark_kinds": MARKS, "csrf_token": ctx.csrf, "action": path, "mark_action": f"{path}/marks",
            "errors": []}


@twin(router, "/clients/{client_id}/agreement", "agreement.html", summary="The practice agreement",
      tags=TAGS)
def agreement(ctx: CtxDep, client_id: str) -> dict[str, Any]:
    """The client's practice agreement: its items, the client's marks and the therapist's answers, and
    every version with what changed. The client sees here what changed since they last looked (then it
    counts as seen); a supervisor reads the client's comments only if the client allows it."""
    access = access_to_client(ctx.db, ctx.require("therapist", "supervisor", "client"), client_id)
    data = page_data(ctx, access)
    if access.mode == "self":
        stored.mark_seen(ctx.db, access.client)
    audit.record(ctx, "viewed", "agreement", client_id, access.client)
    return data


@router.post("/clients/{client_id}/agreement", tags=TAGS, summary="Change the practice agreement")
def change_agreement(ctx: CtxDep, client_id: str, form: FormDep) -> Response:
    """Write a new version from fields ``item_<key>`` (one per item; empty ones are left out).

    Earlier versions stay as they were; the client is told what changed. Sending the same text again
    changes nothing and answers 400.
    """
    access = access_to_client(ctx.db, ctx.require("therapist"), client_id)
    require_owner(access)
    before = stored.versions(ctx.db, access.client)
    items = {item.key: str(form.get(f"item_{item.key}") or "") for item in ITEMS}
    if not clean_items(items):
        raise WebError(400, "Please write at least one item of the agreement.")
    version = stored.add_version(ctx.db, access.client, items)
    if version is None:
        raise WebError(400, "Nothing changed: the agreement already says exactly this. Change an item, "
                            "then send the form again.")
    changed = [c.key for c in changes(dict(before[-1].items) if before else None, version.items)]
    audit.record(ctx, "created", "agreement", version.public_id, access.client,
                 f"version {version.number}; items: {', '.join(changed) or 'none'}")
    return ctx.done(agreement_path(client_id), {"version": version.number, "changed": changed})


@router.post("/clients/{client_id}/agreement/marks", tags=TAGS, summary="Mark an item of my agreement")
def mark_item(ctx: CtxDep, client_id: str, form: FormDep) -> Response:
    """The client marks ``item`` of the current version with ``kind`` (talk: "I'd like to talk about
    this", no_say: "I didn't get a say in this") and an optional ``comment``."""
    access = access_to_client(ctx.db, ctx.require("client"), client_id)  # a client reaches only their own
    versions = stored.versions(ctx.db, access.client)
    item, kind = str(form.get("item") or ""), str(form.get("kind") or "")
    if not versions or item not in versions[-1].items:
        raise WebError(400, "This item is not in your current agreement. Please reload the page.")
    if kind not in MARKS:
        raise WebError(400, f"Please choose what you would like to say (one of: {', '.join(MARKS)}).")
    mark = stored.add_mark(ctx.db, versions[-1], item, kind, str(form.get("comment") or ""))
    audit.record(ctx, "created", "agreement_mark", mark.public_id, access.client, f"{item}: {kind}")
    return ctx.done(agreement_path(client_id) + f"#item-{item}", {"mark_id": mark.public_id})


@router.post("/clients/{client_id}/agreement/marks/{mark_id}/answer", tags=TAGS,
             summary="Answer the client's mark")
def answer_mark(ctx: CtxDep, client_id: str, mark_id: str, form: FormDep) -> Response:
    """The therapist's ``answer`` to one of the client's marks (a new answer replaces the old one)."""
    access = access_to_client(ctx.db, ctx.require("therapist"), client_id)
    require_owner(access)
    mark = stored.mark_by_public_id(ctx.db, access.client, mark_id)
    if mark is None:
        raise WebError(404, f"No mark {mark_id} on this client's agreement.")
    answer = str(form.get("answer") or "").strip()
    if not answer:
        raise WebError(400, "Please write your answer.")
    stored.answer_mark(ctx.db, mark, answer)
    audit.record(ctx, "answered", "agreement_mark", mark.public_id, access.client, mark.item)
    return ctx.done(agreement_path(client_id) + f"#item-{mark.item}")
