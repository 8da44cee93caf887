"""The practice agreement: versions (append-only) with what changed, the client's marks and the
therapist's answers, the client told of changes, who sees what, encryption at rest and erasure."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text

from equipoise.store.models import AgreementMark, AgreementVersion, AuditEvent, Client

from .conftest import FRAME, Practice, post, sign_in

JSON = {"accept": "application/json"}
NEW_FEE = "65 a session from March; a lower fee can be agreed."
COMMENT = "Plimsollark"  # the client's words on a mark
ANSWER = "Vexillofine"  # the therapist's answer


def agreement_url(practice: Practice, x: str = "a") -> str:
    return f"/clients/{practice.ids[f'record_{x}']}/agreement"


def change_fee(therapist: Any, practice: Practice, fee: str = NEW_FEE) -> Any:
    fields = {f"item_{key}": value for key, value in FRAME.items()} | {"item_fee": fee}
    return post(therapist, agreement_url(practice), fields, headers=JSON)


def mark_and_answer(practice: Practice) -> Any:
    """Client A marks the fee with :data:`COMMENT` and therapist A answers :data:`ANSWER`; returns the
    client's browser."""
    client = sign_in(practice.client(), "client_a")
    post(client, agreement_url(practice) + "/marks", {"item": "fee", "kind": "no_say", "comment": COMMENT})
    therapist = sign_in(practice.client(), "therapist_a")
    mark = therapist.get("/api" + agreement_url(practice)).json()["agreement"]["marks"][-1]
    post(therapist, mark["answer_action"], {"answer": ANSWER})
    return client


def test_a_change_is_a_new_version_and_the_client_is_told_what_changed(practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    changed = change_fee(therapist, practice)
    assert changed.status_code == 200 and changed.json()["version"] == 2
    assert changed.json()["changed"] == ["fee"]
    client = sign_in(practice.client(), "client_a")
    # The client is told before opening the agreement ...
    assert client.get("/api/me").json()["agreement_news"] == {"versions": [1, 2], "answers": 0}
    assert "new version" in client.get("/me").text
    page = client.get("/api" + agreement_url(practice)).json()
    newest = page["new"][-1]
    assert newest["number"] == 2 and newest["at"]
    assert newest["changes"] == [{"key": "fee", "title": "Fee", "kind": "changed", "before": FRAME["fee"],
                                  "after": NEW_FEE}]
    # ... and, once they have opened it, no longer.
    assert client.get("/api/me").json()["agreement_news"] == {"versions": [], "answers": 0}
    assert client.get("/api" + agreement_url(practice)).json()["new"] == []
    # The history stays visible to both, and the first version is unchanged.
    for browser in (client, therapist):
        history = browser.get("/api" + agreement_url(practice)).json()["agreement"]["history"]
        assert [v["number"] for v in history] == [1, 2]
        assert {c["key"] for c in history[0]["changes"]} == set(FRAME)
    with practice.app.state.equipoise.sessions() as db:
        first = db.scalars(select(AgreementVersion).where(
            AgreementVersion.number == 1, AgreementVersion.client_id == practice.pks["record_a"])).one()
        assert first.items == FRAME


def test_sending_the_same_agreement_or_an_empty_one_changes_nothing(practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    same = change_fee(therapist, practice, FRAME["fee"])
    assert same.status_code == 400 and "Nothing changed" in same.json()["error"]
    empty = post(therapist, agreement_url(practice), {}, headers=JSON)
    assert empty.status_code == 400
    assert len(therapist.get("/api" + agreement_url(practice)).json()["agreement"]["history"]) == 1


def test_the_client_marks_an_item_and_reads_the_answer(practice: Practice) -> None:
    client = sign_in(practice.client(), "client_a")
    marked = post(client, agreement_url(practice) + "/marks",
                  {"item": "cancellation", "kind": "no_say", "comment": COMMENT}, headers=JSON)
    assert marked.status_code == 200, marked.text
    therapist = sign_in(practice.client(), "therapist_a")
    page = therapist.get("/api" + agreement_url(practice)).json()
    mark = next(m for m in page["agreement"]["marks"] if m["item"] == "cancellation")
    assert (mark["kind"], mark["version"], mark["comment"], mark["answer"]) == ("no_say", 1, COMMENT, None)
    assert "the client marked 2 item(s)" in therapist.get(f"/clients/{practice.ids['record_a']}").text
    answered = post(therapist, mark["answer_action"], {"answer": ANSWER}, headers=JSON)
    assert answered.status_code == 200
    assert client.get("/api/me").json()["agreement_news"]["answers"] == 1
    html = client.get(agreement_url(practice)).text
    assert ANSWER in html and COMMENT in html and "answered 1 of your marks" in html
    assert client.get("/api/me").json()["agreement_news"]["answers"] == 0
    # A mark on an item the agreement does not have, or of an unknown kind, is refused.
    for fields in ({"item": "location", "kind": "talk"}, {"item": "fee", "kind": "grade"}):
        assert post(client, agreement_url(practice) + "/marks", fields, headers=JSON).status_code == 400
    assert post(therapist, mark["answer_action"], {"answer": " "}, headers=JSON).status_code == 400


def test_marks_stay_tied_to_the_version_they_were_made_on(practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    change_fee(therapist, practice)
    client = sign_in(practice.client(), "client_a")
    post(client, agreement_url(practice) + "/marks", {"item": "fee", "kind": "no_say"}, headers=JSON)
    fee = next(i for i in client.get("/api" + agreement_url(practice)).json()["agreement"]["items"]
               if i["key"] == "fee")
    assert [(m["kind"], m["version"]) for m in fee["marks"]] == [("talk", 1), ("no_say", 2)]


def test_the_client_sees_the_agreement_before_consenting(practice: Practice) -> None:
    with practice.app.state.equipoise.sessions.begin() as db:
        db.get(Client, practice.pks["record_a"]).consent_at = None
    client = sign_in(practice.client(), "client_a")
    page = client.get("/consent").text
    assert FRAME["fee"] in page and page.index(FRAME["fee"]) < page.index('name="agree"')
    data = client.get("/api/consent").json()["agreement"]
    assert [i["key"] for i in data["items"]] == list(FRAME)
    # Questioning the frame does not wait for the consent.
    assert post(client, agreement_url(practice) + "/marks", {"item": "fee", "kind": "talk"},
                headers=JSON).status_code == 200


def test_a_first_agreement_starts_from_the_therapists_latest(practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    new = post(therapist, "/clients", {"label": "New"}, headers=JSON).json()["client_id"]
    page = therapist.get(f"/api/clients/{new}/agreement").json()
    assert page["from_template"] and page["agreement"]["items"] == []
    assert {f["key"]: f["text"] for f in page["form"] if f["text"]} == FRAME
    other = sign_in(practice.client(), "therapist_b")
    assert other.get(f"/api/clients/{new}/agreement").status_code == 404


def test_a_supervisor_reads_the_items_and_the_clients_words_only_if_allowed(practice: Practice) -> None:
    client = mark_and_answer(practice)
    supervisor = sign_in(practice.client(), "supervisor")
    for allows in (False, True):
        post(client, "/consent/sharing", {"comments_to_supervisor": "yes" if allows else "no"})
        page = supervisor.get("/api" + agreement_url(practice)).json()
        assert page["read_only"] and page["form"] == [] and page["agreement"]["words_hidden"] is not allows
        assert [m["kind"] for m in page["agreement"]["marks"]] == ["talk", "no_say"]
        for url in (agreement_url(practice), "/api" + agreement_url(practice),
                    f"/clients/{practice.ids['record_a']}/course/report"):
            body = supervisor.get(url).text
            assert FRAME["fee"] in body, url
            assert (COMMENT in body) is allows and (ANSWER in body) is allows, url


def test_the_course_report_shows_the_frame_beside_the_sessions(practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    change_fee(therapist, practice)
    report = therapist.get(f"/clients/{practice.ids['record_a']}/course/report").text
    assert "The frame: the practice agreement" in report and NEW_FEE in report
    assert "practice agreement changed 1 time(s)" in report and "after session #2" in report
    assert "grade" in report  # the frame informs a conversation, never grades anybody
    client = sign_in(practice.client(), "client_a")
    post(client, f"/sessions/{practice.ids['session_a2']}/check-in",
         {"heard": "3", "say": "3", "disagree": "3", "matters": "3", "who_held": "equal"})
    mine = client.get(f"/clients/{practice.ids['record_a']}/course/report").text
    assert "Our practice agreement" in mine and "your marks" in mine


def test_agreement_texts_are_encrypted_at_rest(practice: Practice) -> None:
    mark_and_answer(practice)
    with practice.app.state.engine.connect() as db:
        raw = [str(v) for v in db.execute(text("SELECT items FROM agreement_versions")).scalars()]
        for column in ("comment", "answer"):
            raw += [str(v) for v in db.execute(text(f"SELECT {column} FROM agreement_marks WHERE {column} "
                                                    "IS NOT NULL")).scalars()]
    assert len(raw) == 4 and all(v.startswith("gAAAA") for v in raw)
    assert not any(word in v for v in raw for word in (COMMENT, ANSWER, "January"))


def test_withdrawing_consent_erases_the_agreement_and_the_marks(practice: Practice) -> None:
    client = sign_in(practice.client(), "client_a")
    revoked = post(client, "/consent/revoke", {"sure": "yes"}, headers=JSON)
    assert revoked.json()["deleted"]["agreement_versions"] == 1
    assert revoked.json()["deleted"]["agreement_marks"] == 1
    with practice.app.state.equipoise.sessions() as db:
        left = {row.client_id for row in db.scalars(select(AgreementVersion))}
        marks = {row.client_id for row in db.scalars(select(AgreementMark))}
    assert left == marks == {practice.pks["record_b"]}  # the other client's agreement is untouched
    assert client.get("/api" + agreement_url(practice)).json()["agreement"]["items"] == []


def test_agreement_writes_are_audited_without_their_text(practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    change_fee(therapist, practice)
    client = sign_in(practice.client(), "client_a")
    post(client, agreement_url(practice) + "/marks", {"item": "fee", "kind": "talk", "comment": COMMENT})
    with practice.app.state.equipoise.sessions() as db:
        events = list(db.scalars(select(AuditEvent).where(AuditEvent.object_kind.like("agreement%"))))
    assert {(e.action, e.object_kind) for e in events} >= {("created", "agreement"),
                                                          ("created", "agreement_mark"),
                                                          ("viewed", "agreement")}
    assert not any(COMMENT in (e.details or "") or "65" in (e.details or "") for e in events)
    words = [e["words"] for e in client.get("/api/me/audit").json()["events"]]
    assert "added the practice agreement" in words


def test_the_clients_download_holds_their_agreement(practice: Practice) -> None:
    client = sign_in(practice.client(), "client_a")
    data = client.get("/api/me/export").json()["agreement"]
    assert [i["text"] for i in data["items"]] == list(FRAME.values())
    assert data["marks"][0]["kind"] == "talk"
