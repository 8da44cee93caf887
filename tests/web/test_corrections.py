"""Mistakes can be corrected in place: roles, speaker names, title and date; the analysis runs again and
the profile records who corrected it."""

from __future__ import annotations

from .conftest import Practice, post, sign_in

JSON = {"accept": "application/json"}


def test_the_therapist_corrects_swapped_roles_and_the_session_is_analysed_again(practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    sid = practice.ids["session_a1"]
    form = therapist.get(f"/api/sessions/{sid}/edit").json()
    speakers = form["speakers"]
    assert {s["role"] for s in speakers} == {"therapist", "client"}
    before = therapist.get(f"/api/sessions/{sid}/profile").json()
    swapped = {"therapist": "client", "client": "therapist"}
    fields = {"title": "First session, corrected", "session_date": "2026-03-02"}
    for index, speaker in enumerate(speakers):
        fields[f"speaker_{index}_name"] = speaker["name"] if index else "Dr Renamed"
        fields[f"speaker_{index}_role"] = swapped[speaker["role"]]
    response = post(therapist, f"/sessions/{sid}/edit", fields, headers=JSON)
    assert response.status_code == 200, response.text
    assert set(response.json()["changed"]) == {"title", "date", "speaker names", "roles"}

    after = therapist.get(f"/api/sessions/{sid}/profile").json()
    roles = {s["name"]: s["role"] for s in after["transcript"]["speakers"]}
    assert roles["Dr Renamed"] == swapped[speakers[0]["role"]]
    assert after["summary"]["power_lean"] != before["summary"]["power_lean"]
    correction = after["corrections"][-1]
    assert correction["by"] == "Therapist_A" and "roles" in correction["changed"]
    page = therapist.get(f"/api/sessions/{sid}").json()
    assert page["session"]["title"] == "First session, corrected"
    assert page["session"]["session_date"] == "2026-03-02"
    assert page["corrections"][-1]["by"] == "Therapist_A"
    assert "Corrected by Therapist_A" in therapist.get(f"/sessions/{sid}").text


def test_a_correction_without_a_therapist_is_refused_and_changes_nothing(practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    sid = practice.ids["session_a1"]
    speakers = therapist.get(f"/api/sessions/{sid}/edit").json()["speakers"]
    fields = {"title": "x"} | {f"speaker_{i}_role": "client" for i in range(len(speakers))}
    refused = post(therapist, f"/sessions/{sid}/edit", fields, headers=JSON)
    assert refused.status_code == 400 and "therapist" in refused.json()["error"]
    assert "corrections" not in therapist.get(f"/api/sessions/{sid}/profile").json()
    assert therapist.get(f"/api/sessions/{sid}").json()["session"]["title"] == "Session 1"


def test_an_inferred_role_is_shown_prominently_on_the_session_page(practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    response = post(therapist, f"/clients/{practice.ids['record_a']}/sessions",
                    {"text": "Anna: How are you? What brings you?\nBen: I am fine, I think."}, headers=JSON)
    sid = response.json()["session_id"]
    page = therapist.get(f"/sessions/{sid}").text
    assert "Who is who in this session" in page and "inferred" in page
    assert f'href="/sessions/{sid}/edit"' in page
