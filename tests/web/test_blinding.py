"""Perceived vs measured is blinded: each side answers first, then sees the other side and the profile;
looking first is allowed, on record, and the later answer is marked as given after seeing."""

from __future__ import annotations

from .conftest import Practice, post, sign_in

JSON = {"accept": "application/json"}
ANSWERS = {"heard": "4", "say": "3", "disagree": "3", "matters": "4", "who_held": "equal"}


def test_the_client_answers_before_reading_the_report(practice: Practice) -> None:
    client = sign_in(practice.client(), "client_a")
    sid = practice.ids["session_a2"]  # no check-in yet
    assert client.get(f"/sessions/{sid}/report").status_code == 409
    assert client.get(f"/api/sessions/{sid}/profile").status_code == 409
    page = client.get(f"/api/sessions/{sid}").json()
    assert page["blinded"] is True and page["report_href"] is None
    assert "check-in first" in page["blind_notice"]
    assert page["session"]["power_lean"] is None
    mine = next(s for s in client.get("/api/me").json()["sessions"] if s["id"] == sid)
    assert mine["report_href"] is None
    assert "answer the one-minute check-in first" in client.get(f"/sessions/{sid}").text
    assert post(client, f"/sessions/{sid}/check-in", ANSWERS).status_code == 200
    assert client.get(f"/sessions/{sid}/report").status_code == 200
    therapist = sign_in(practice.client(), "therapist_a")
    post(therapist, f"/sessions/{sid}/unblind", headers=JSON)
    assert therapist.get(f"/api/sessions/{sid}/compare").json()["after_seeing"]["client"] is False


def test_the_therapist_writes_the_expectation_before_seeing_the_client_or_the_profile(
        practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_b")
    sid = practice.ids["session_b1"]  # the client answered; the therapist has not reflected yet
    assert therapist.get(f"/api/sessions/{sid}/compare").status_code == 409
    assert therapist.get(f"/sessions/{sid}/report").status_code == 409
    page = therapist.get(f"/api/sessions/{sid}").json()
    assert page["has_check_in"] is True and page["check_in"] is None and page["session"]["power_lean"] is None
    course = therapist.get(f"/api/clients/{practice.ids['record_b']}/course").json()
    assert course["points"][0]["client_answer"] is None and course["points"][0]["measured"] is None
    assert course["report_href"] is None
    counts = therapist.get("/api/clients").json()["who_held"]["clients"]
    assert sum(row["count"] for row in counts) == 0
    prediction = {**ANSWERS, "challenged": "", "independence": "", "needs": ""}
    assert post(therapist, f"/sessions/{sid}/reflection", prediction, headers=JSON).status_code == 200
    compared = therapist.get(f"/api/sessions/{sid}/compare").json()
    assert compared["check_in"]["who_held"] == "therapist"
    assert compared["after_seeing"] == {"client": False, "therapist": False}


def test_looking_first_is_allowed_and_marks_the_later_answer(practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_b")
    sid = practice.ids["session_b1"]
    assert post(therapist, f"/sessions/{sid}/unblind", headers=JSON).status_code == 200
    assert therapist.get(f"/api/sessions/{sid}/compare").status_code == 200
    prediction = {**ANSWERS, "challenged": "", "independence": "", "needs": ""}
    post(therapist, f"/sessions/{sid}/reflection", prediction, headers=JSON)
    assert therapist.get(f"/api/sessions/{sid}/compare").json()["after_seeing"]["therapist"] is True
    assert "after seeing" in therapist.get(f"/sessions/{sid}/compare").text

    client = sign_in(practice.client(), "client_a")
    sid = practice.ids["session_a2"]
    assert post(client, f"/sessions/{sid}/unblind", headers=JSON).status_code == 200
    assert client.get(f"/sessions/{sid}/report").status_code == 200
    post(client, f"/sessions/{sid}/check-in", ANSWERS)
    therapist_a = sign_in(practice.client(), "therapist_a")
    post(therapist_a, f"/sessions/{sid}/unblind", headers=JSON)
    assert therapist_a.get(f"/api/sessions/{sid}/compare").json()["after_seeing"]["client"] is True
