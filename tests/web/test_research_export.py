"""The research export: a therapist's own consenting clients' measured sessions under codes, the listed
self-description choices only where the client chose research use, nothing that names anyone, a file that
``equipoise summarise`` reads, and an audit entry with counts only."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from sqlalchemy import select

from equipoise import load
from equipoise.profile import Profile
from equipoise.report.tables import session_row
from equipoise.store import actions
from equipoise.store.models import AuditEvent, Client, Reflection, StoredProfile, TherapySession, User
from equipoise.stratification import read_sessions, summarise
from equipoise.web.reports import analyse
from equipoise.web.research import CONTEXT_COLUMNS, KEYS

from .conftest import EXAMPLES, Practice, post, sign_in
from .test_context import CLIENT_WORDS, THERAPIST_WORDS, client_form, describe, therapist_form
from .test_promises import COMMENT, MARKED, OTHER, mark_client_words

CSV = "/research/sessions.csv"
JSON = {"accept": "application/json"}
# Planted where nothing of them may reach the file.
LABEL = "Zephyrquill Marchbanks"
TITLE = "Obsidianwren"
SPEAKERS = ("Marisolvane", "Tobiasquent")
SAID = "Quillsbury"
FILE_STEM = "Wrenfieldnotes"
REFLECTED = "Halcyonbrook"


def rows_of(browser: Any) -> list[dict[str, str]]:
    response = browser.get(CSV)
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text)))


def unblind(practice: Practice, therapist: str, *sessions: str) -> Any:
    browser = sign_in(practice.client(), therapist)
    for key in sessions:
        assert post(browser, f"/sessions/{practice.ids[key]}/unblind", headers=JSON).status_code == 200
    return browser


def add_client(practice: Practice, tmp_path: Path, *, consent: bool, planted: bool = False) -> str:
    """A new client of therapist A with one measured session the therapist may see; its public id."""
    source = (EXAMPLES / "course" / "session1.txt").read_text(encoding="utf-8")
    name = "session1.txt"
    if planted:
        source = source.replace("Okafor", SPEAKERS[0]).replace("Priya", SPEAKERS[1])
        source += f"{SPEAKERS[1]}: I keep thinking about {SAID}.\n"
        name = f"{FILE_STEM}.txt"
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    transcript = load(path)
    with practice.app.state.equipoise.sessions.begin() as db:
        client = actions.create_client(db, db.get(User, practice.ids["therapist_a"]), LABEL)
        if consent:
            actions.give_consent(db, client)
        session = actions.add_session(db, client, title=TITLE, source_name=name, source_format="plain",
                                      turns=actions.turns_of(transcript), profile=analyse(transcript))
        session.therapist_seen_at = session.created_at
        return client.public_id


def test_one_row_per_measured_session_with_the_batch_columns(practice: Practice) -> None:
    therapist = unblind(practice, "therapist_a", "session_a2")
    response = therapist.get(CSV)
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="equipoise-research-sessions-')
    rows = rows_of(therapist)
    assert [(r["session"], r["client"], r["session_number"]) for r in rows] == [
        ("client-1-session-1", "client-1", "1"), ("client-1-session-2", "client-1", "2")]
    with practice.app.state.equipoise.sessions.begin() as db:
        stored = [db.get(StoredProfile, practice.pks[k]).data for k in ("session_a1", "session_a2")]
    for row, data in zip(rows, stored, strict=True):
        batch = session_row(Profile.from_dict(data))
        # Where a column means what the batch's sessions.csv means, it has the batch's name and value.
        for column, value in row.items():
            if column in KEYS or column in CONTEXT_COLUMNS:
                continue
            assert column in batch, column
            assert value == ("" if batch[column] is None else str(batch[column])), column
        leans = {f"{key}.lean" for key in data["dimensions"]}
        assert leans <= set(row) and {"power_lean", "shared_power"} <= set(row)
        # The raw metrics are the batch's to give; the file keeps the summary and the leans.
        assert not [c for c in row if "." in c and not c.endswith(".lean")]
    assert set(CONTEXT_COLUMNS) <= set(rows[0]) and "context_own_words" not in rows[0]


def test_the_page_and_its_twin_say_what_the_file_holds(practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    data = therapist.get("/api/research").json()
    assert data["download_href"] == CSV
    # Session 2 has no reflection yet: it stays out, so the file cannot show its profile first.
    assert data["counts"] == {"sessions": 1, "clients": 1, "clients_with_context": 0,
                              "clients_without_consent": 0, "sessions_blinded": 1, "sessions_unmeasured": 0}
    assert [c["column"] for c in data["columns"]] == list(rows_of(therapist)[0])
    page = therapist.get("/research").text
    assert "must hold each client&#39;s consent to research" in page
    assert "research use" in page and 'href="/research/sessions.csv"' in page
    assert len(rows_of(therapist)) == 1


def test_a_client_without_consent_is_absent_and_codes_skip_nobody(practice: Practice,
                                                                   tmp_path: Path) -> None:
    add_client(practice, tmp_path, consent=False)
    add_client(practice, tmp_path, consent=True)
    therapist = unblind(practice, "therapist_a", "session_a2")
    rows = rows_of(therapist)
    # Client A (2 sessions) and the consenting new client, numbered without a gap for the one left out.
    assert [r["client"] for r in rows] == ["client-1", "client-1", "client-2"]
    assert therapist.get("/api/research").json()["counts"]["clients_without_consent"] == 1
    with practice.app.state.equipoise.sessions.begin() as db:
        record = db.get(Client, practice.pks["record_a"])
        actions.revoke_consent(db, record)
    assert [r["client"] for r in rows_of(therapist)] == ["client-1"]


def test_self_description_choices_only_with_research_use_and_never_own_words(practice: Practice) -> None:
    therapist = unblind(practice, "therapist_a", "session_a2")
    describe(practice, "therapist_a", therapist_form(to_client="yes", to_supervisor="yes"))
    describe(practice, "client_a", client_form(to_therapist="yes", to_supervisor="yes"))
    body = therapist.get(CSV).text
    assert all(r[c] == "" for r in rows_of(therapist) for c in CONTEXT_COLUMNS)
    assert CLIENT_WORDS not in body and THERAPIST_WORDS not in body
    describe(practice, "client_a", client_form(to_research="yes"))
    body = therapist.get(CSV).text
    for row in rows_of(therapist):
        assert {c: row[c] for c in CONTEXT_COLUMNS if row[c]} == {
            "context_age_range": "25_34", "context_class_background": "working", "context_gender": "woman"}
    assert CLIENT_WORDS not in body and THERAPIST_WORDS not in body
    assert therapist.get("/api/research").json()["counts"]["clients_with_context"] == 1


def test_no_label_name_title_or_words_reach_the_file(practice: Practice, tmp_path: Path) -> None:
    phrase = mark_client_words(practice)
    record = add_client(practice, tmp_path, consent=True, planted=True)
    describe(practice, "client_a", client_form(to_research="yes", to_therapist="yes"))
    with practice.app.state.equipoise.sessions.begin() as db:
        db.get(Client, practice.pks["record_a"]).label = LABEL
        db.get(TherapySession, practice.pks["session_a1"]).title = TITLE
        db.get(Reflection, practice.pks["session_a1"]).challenged = REFLECTED
    therapist = unblind(practice, "therapist_a", "session_a2")
    body = therapist.get(CSV).text
    assert len(rows_of(therapist)) == 3
    with practice.app.state.equipoise.sessions.begin() as db:
        public = [c.public_id for c in db.scalars(select(Client))] + \
                 [s.public_id for s in db.scalars(select(TherapySession))]
    planted = [LABEL, "Marchbanks", TITLE, *SPEAKERS, SAID, FILE_STEM, REFLECTED, COMMENT, OTHER, MARKED,
               CLIENT_WORDS, phrase, "Okafor", "Priya", "Secret Name", "session1", "test.example",
               "Client_A", "Therapist_A", "felt rushed", record, *public]
    assert [word for word in planted if word in body] == []


def test_summarise_reads_the_export_by_a_context_column(practice: Practice, tmp_path: Path) -> None:
    describe(practice, "client_a", client_form(to_research="yes"))
    therapist = unblind(practice, "therapist_a", "session_a2")
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "sessions.csv").write_bytes(therapist.get(CSV).content)
    cells, no_value = summarise(read_sessions(folder), "context_gender", min_group=2)
    assert no_value == 0
    assert {c.group for c in cells} == {"woman"}
    numbers = {c.number: c for c in cells}
    assert {"power_lean", "shared_power", "floor.lean"} <= set(numbers)
    assert numbers["power_lean"].n == 2 and not numbers["power_lean"].suppressed


def test_the_download_is_audited_with_counts_only(practice: Practice) -> None:
    describe(practice, "client_a", client_form(to_research="yes"))
    therapist = unblind(practice, "therapist_a", "session_a2")
    therapist.get("/research")
    with practice.app.state.equipoise.sessions.begin() as db:
        assert not list(db.scalars(select(AuditEvent).where(AuditEvent.object_kind == "research")))
    therapist.get(CSV)
    with practice.app.state.equipoise.sessions.begin() as db:
        events = list(db.scalars(select(AuditEvent).where(AuditEvent.object_kind == "research")))
        assert [(e.action, e.client_ref, e.actor_role) for e in events] == [
            ("exported", practice.ids["record_a"], "therapist")]
        details = events[0].details or ""
    assert details == ("research export: 2 session(s) of this client, self-description choices: yes; "
                       "2 session(s) of 1 client(s) in the file")
    # The client reads it on the trail of their own record.
    client = sign_in(practice.client(), "client_a")
    words = [e["words"] for e in client.get("/api/me/audit").json()["events"]]
    assert any(w.startswith("downloaded the research export") for w in words)


def test_a_therapist_without_clients_gets_the_header_only(practice: Practice) -> None:
    with practice.app.state.equipoise.sessions.begin() as db:
        db.get(Client, practice.pks["record_b"]).therapist_id = practice.ids["therapist_a"]
    therapist = sign_in(practice.client(), "therapist_b")
    response = therapist.get(CSV)
    assert response.status_code == 200
    header, *rest = response.text.splitlines()
    assert rest == [] and header.startswith("session,client,session_number,session_date,")
