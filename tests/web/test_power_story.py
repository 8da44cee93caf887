"""The therapist's power story: five questions in the reflection, private to the therapist unless they
share an answer with their supervisor; a client never reads any of them."""

from __future__ import annotations

from equipoise.store.models import AuditEvent, Reflection
from equipoise.web.perception import REFLECTION_PROMPTS

from .conftest import Practice, post, sign_in
from .test_promises import pages_of, shown

PRIVATE = {key: f"Privatewordx{n}" for n, key in enumerate(REFLECTION_PROMPTS)}
JSON = {"accept": "application/json"}
ANSWERS = {"heard": "4", "say": "3", "disagree": "3", "matters": "4", "who_held": "equal"}


def write_story(practice: Practice, shared: tuple[str, ...]) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    form = {**ANSWERS, **PRIVATE, **{f"share_{key}": "yes" for key in shared}}
    response = post(therapist, f"/sessions/{practice.ids['session_a1']}/reflection", form, headers=JSON)
    assert response.status_code == 200, response.text


def test_the_reflection_asks_the_five_questions_of_the_power_story(practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    page = therapist.get(f"/sessions/{practice.ids['session_a1']}/reflection").text
    for key in ("projections", "independence", "challenged", "needs", "rank_history"):
        assert f'name="{key}"' in page and f'name="share_{key}"' in page
    assert "positive projections" in page and "history with rank and power" in page
    assert "seek help or opinions elsewhere" in page


def test_only_shared_answers_reach_the_supervisor_and_none_the_client(practice: Practice) -> None:
    write_story(practice, shared=("needs", "rank_history"))
    session = practice.ids["session_a1"]
    therapist = sign_in(practice.client(), "therapist_a")
    mine = therapist.get(f"/api/sessions/{session}/compare").json()["reflection"]
    assert all(mine[key] == text for key, text in PRIVATE.items())
    assert mine["shared_with_supervisor"] == ["needs", "rank_history"]
    supervisor = sign_in(practice.client(), "supervisor")
    theirs = supervisor.get(f"/api/sessions/{session}/compare").json()["reflection"]
    assert theirs["needs"] == PRIVATE["needs"] and theirs["rank_history"] == PRIVATE["rank_history"]
    assert theirs["projections"] is None and theirs["challenged"] is None
    urls = pages_of(practice, "supervisor")
    for key, text in PRIVATE.items():
        expected = key in ("needs", "rank_history")
        assert bool(shown(supervisor, urls, text)) == expected, key
    client = sign_in(practice.client(), "client_a")
    client_urls = pages_of(practice, "client_a")
    assert not any(shown(client, client_urls, text) for text in PRIVATE.values())
    export = client.get("/api/me/export").text
    assert not any(text in export for text in PRIVATE.values())


def test_unsharing_takes_an_answer_back(practice: Practice) -> None:
    write_story(practice, shared=("projections",))
    write_story(practice, shared=())
    supervisor = sign_in(practice.client(), "supervisor")
    body = supervisor.get(f"/sessions/{practice.ids['session_a1']}/compare").text
    assert PRIVATE["projections"] not in body
    assert "Only the answers the therapist chose to share are shown" in body


def test_an_empty_answer_cannot_be_shared_and_the_audit_names_fields_only(practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    form = {**ANSWERS, "needs": PRIVATE["needs"], "share_needs": "yes", "share_projections": "yes"}
    post(therapist, f"/sessions/{practice.ids['session_a1']}/reflection", form, headers=JSON)
    with practice.app.state.equipoise.sessions() as db:
        assert db.get(Reflection, practice.pks["session_a1"]).shared_with_supervisor == ["needs"]
        details = [e.details or "" for e in db.query(AuditEvent).filter_by(object_kind="reflection")]
    assert "shared with supervisors: needs" in details
    assert not any(PRIVATE["needs"] in d for d in details)
