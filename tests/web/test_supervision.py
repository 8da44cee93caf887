"""Supervision is opt-in per supervisor and read-only but for comments; client identities stay hidden
unless shared."""

from __future__ import annotations

from .conftest import Practice, post, sign_in

JSON = {"accept": "application/json"}


def test_an_administrator_creates_accounts_and_a_therapist_opts_in_and_out(practice: Practice) -> None:
    admin = sign_in(practice.client(), "admin")
    made = post(admin, "/admin/users", {"email": "sup3@test.example", "display_name": "Dr Three",
                                        "role": "supervisor", "password": "a long enough password"},
                headers=JSON)
    assert made.status_code == 200
    refused = post(admin, "/admin/users", {"email": "c@test.example", "display_name": "C", "role": "client",
                                           "password": "a long enough password"}, headers=JSON)
    assert refused.status_code == 400 and "invitation" in refused.json()["error"]
    users = admin.get("/api/admin/users").json()["users"]
    assert "Secret Name A" not in repr(users)  # no clinical data, not even client names
    supervisor_id = next(u["id"] for u in users if u["email"] == "sup3@test.example")

    supervisor = practice.client()
    post(supervisor, "/login", {"email": "sup3@test.example", "password": "a long enough password"})
    therapist_a = practice.ids["therapist_a"]
    record = practice.ids["record_a"]
    assert supervisor.get(f"/api/supervisees/{therapist_a}").status_code == 404

    therapist = sign_in(practice.client(), "therapist_a")
    post(therapist, "/supervision", {"supervisor_id": supervisor_id, "shared": "yes"})
    caseload = supervisor.get(f"/api/supervisees/{therapist_a}").json()
    assert [c["name"] for c in caseload["clients"]] == ["Client 1"]
    assert supervisor.get(f"/api/clients/{record}").json()["read_only"] is True
    # Read-only: a supervisor cannot write a reflection or add a session.
    assert post(supervisor, f"/sessions/{practice.ids['session_a1']}/reflection", {}, headers=JSON
                ).status_code == 403
    assert post(supervisor, f"/clients/{record}/sessions", {"text": "T: a?\nC: b."}, headers=JSON
                ).status_code == 403

    post(therapist, "/supervision",
         {"supervisor_id": supervisor_id, "shared": "yes", "show_client_names": "yes"})
    assert supervisor.get(f"/api/clients/{record}").json()["client"]["name"] == "Secret Name A"

    post(therapist, "/supervision", {"supervisor_id": supervisor_id})  # opt out
    assert supervisor.get(f"/api/clients/{record}").status_code == 404
    assert supervisor.get("/api/supervisees").json()["supervisees"] == []


def test_the_supervisor_reads_the_comparison_about_the_therapist(practice: Practice) -> None:
    supervisor = sign_in(practice.client(), "supervisor")
    gaps = supervisor.get(f"/api/sessions/{practice.ids['session_a1']}/compare").json()["gaps"]
    assert any("the therapist expected" in g for g in gaps)
    assert not any(" you " in f" {g.lower()} " or "your " in g.lower() for g in gaps)
    therapist = sign_in(practice.client(), "therapist_a")
    mine = therapist.get(f"/api/sessions/{practice.ids['session_a1']}/compare").json()["gaps"]
    assert any("you expected" in g for g in mine)


def test_a_supervisor_comments_on_a_session_and_a_turn_for_the_therapist(practice: Practice) -> None:
    sid = practice.ids["session_a1"]
    supervisor = sign_in(practice.client(), "supervisor")
    for fields in ({"text": "Notice how the agenda narrowed here."},
                   {"text": "What happened at this turn?", "turn": "3"}):
        assert post(supervisor, f"/sessions/{sid}/comments", fields, headers=JSON).status_code == 200
    assert post(supervisor, f"/sessions/{sid}/comments", {"text": "x", "turn": "9999"},
                headers=JSON).status_code == 400
    comments = sign_in(practice.client(), "therapist_a").get(f"/api/sessions/{sid}").json()[
        "supervision_comments"]
    assert [(c["by"], c["turn"]) for c in comments] == [("Supervisor", None), ("Supervisor", 3)]
    assert "supervision_comments" not in sign_in(practice.client(), "client_a").get(
        f"/api/sessions/{sid}").json()
    # Someone who does not supervise this therapist cannot comment.
    other = sign_in(practice.client(), "supervisor_b")
    assert post(other, f"/sessions/{sid}/comments", {"text": "x"}, headers=JSON).status_code == 404


def test_the_supervisor_view_says_what_it_hides_and_whose_reflection_it_is(practice: Practice) -> None:
    supervisor = sign_in(practice.client(), "supervisor")
    page = supervisor.get(f"/sessions/{practice.ids['session_a1']}").text
    assert "the words of every turn" in page and "speaker names" in page
    record = supervisor.get(f"/clients/{practice.ids['record_a']}").text
    assert "the therapist&#39;s reflection" in record and "your reflection" not in record
    caseload = supervisor.get(f"/supervisees/{practice.ids['therapist_a']}").text
    assert "the words of every turn" in caseload
