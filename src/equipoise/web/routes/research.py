"""The research export: the therapist's page about it and the file (:mod:`equipoise.web.research`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from ...report.texts import DIMENSIONS
from ...store.models import utcnow
from .. import audit, context, research
from ..core import CtxDep, download, twin

router = APIRouter()
TAGS = ["research"]
CSV_PATH = "/research/sessions.csv"
PROVENANCE = "as in a batch's sessions.csv"


def columns_in_words(columns: list[str]) -> list[dict[str, Any]]:
    """Each column of the file and what it holds (the listed choices for a self-description column)."""
    meaning = {
        "session": "the session's code (client code and session number): the key of a metadata file",
        "client": "the client's code in this file (client-1, client-2 \u2026 in the order you added them), "
                  "never their name; not the \u201cClient N\u201d a supervisor sees",
        "session_number": "the session's number in the client's course",
        "session_date": "the date you gave the session, if any",
        "n_turns": "the number of turns", "n_speakers": "the number of speakers (never their names)",
        "labeller": "the turn labeller that labelled the session", "labeller_version": "its version",
        "equipoise_version": "the version of Equipoise that measured the session",
        "power_lean": "who held the levers over all (+1: you, -1: the client, 0: shared)",
        "shared_power": "the summary's shared-power index (0 to 1)"}
    out = []
    for column in columns:
        choices: dict[str, str] = {}
        if column.startswith(research.CONTEXT_PREFIX):
            dim = context.BY_KEY[column.removeprefix(research.CONTEXT_PREFIX)]
            words = f"{dim.label}: the client's listed choice, only if they chose research use"
            choices = dim.choices
        elif column.endswith(".lean"):
            key = column.removesuffix(".lean")
            text = DIMENSIONS.get(key)
            words = f"the lean of {text.title if text else key} (+1: you hold that lever, -1: the client)"
        else:
            words = meaning.get(column, PROVENANCE)
        out.append({"column": column, "words": words, "choices": choices})
    return out


@twin(router, "/research", "research.html", summary="The research export of my clients' sessions",
      tags=TAGS)
def research_page(ctx: CtxDep) -> dict[str, Any]:
    """What the research file holds and leaves out, with counts; the file itself is ``CSV_PATH``."""
    user = ctx.require("therapist")
    export = research.build(ctx.db, user)
    return {"caption": research.CAPTION, "download_href": CSV_PATH,
            "columns": columns_in_words(export.columns),
            "counts": {"sessions": len(export.rows), "clients": export.clients,
                       "clients_with_context": export.with_context,
                       "clients_without_consent": export.clients_without_consent,
                       "sessions_blinded": export.sessions_blinded,
                       "sessions_unmeasured": export.sessions_unmeasured}}


@router.get(CSV_PATH, tags=TAGS, summary="Download the research export (a CSV file)",
            response_class=Response,
            responses={200: {"description": "One row per measured session of the therapist's consenting "
                                            "clients, as a CSV attachment.",
                             "content": {"text/csv": {}}}})
def research_file(ctx: CtxDep) -> Response:
    """The research table (see ``/research``): codes instead of names, numbers, and the self-description
    choices of clients who chose research use. Each client's record gets an audit event, with counts."""
    user = ctx.require("therapist")
    export = research.build(ctx.db, user)
    for client, rows, with_context in export.members:
        audit.record(ctx, "exported", "research", None, client,
                     research.audit_details(export, rows, with_context))
    if not export.members:
        audit.record(ctx, "exported", "research", None, None, research.audit_details(export, 0, False))
    return download(research.csv_body(export), "text/csv; charset=utf-8", research.filename(utcnow()))
