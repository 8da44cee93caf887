"""Trust in the web app: nothing lost on editing, ids never reused, links to deleted things say so."""

from __future__ import annotations

import re

from .conftest import EXAMPLES, Practice, csrf_of, post, sign_in

JSON = {"accept": "application/json"}
ANSWERS = {"heard": "4", "say": "3", "disagree": "3", "matters": "4", "who_held": "equal"}


def test_editing_a_check_in_keeps_the_comment(practice: Practice) -> None:
    client = sign_in(practice.client(), "client_a")
    url = f"/sessions/{practice.ids['session_a1']}/check-in"
    assert client.get("/api" + url).json()["values"]["comment"] == "felt rushed"
    page = client.get(url).text
    comment = re.search(r'<textarea name="comment"[^>]*>([^<]*)</textarea>', page)
    assert comment is not None and comment.group(1) == "felt rushed"
    # Sending the form again as the page fills it keeps the comment.
    assert post(client, url, {**ANSWERS, "comment": comment.group(1)}).status_code == 200
    assert client.get("/api" + url).json()["values"]["comment"] == "felt rushed"


def upload(therapist: object, record: str) -> str:
    response = therapist.post(f"/clients/{record}/sessions",  # type: ignore[attr-defined]
                              data={"csrf_token": csrf_of(therapist)}, headers=JSON,
                              files={"file": ("s.txt", (EXAMPLES / "directive.txt").read_bytes(),
                                              "text/plain")})
    assert response.status_code == 200, response.text
    return response.json()["session_id"]


def test_a_deleted_sessions_link_says_so_and_its_id_is_never_reused(practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    record = practice.ids["record_a"]
    newest = upload(therapist, record)
    assert post(therapist, f"/sessions/{newest}/delete", {"sure": "yes"}, headers=JSON).status_code == 200
    replacement = upload(therapist, record)
    assert replacement != newest
    # Public ids are random, not counters that could be guessed or handed out again.
    assert not newest.isdigit() and len(newest) >= 16
    gone = therapist.get(f"/api/sessions/{newest}")
    assert gone.status_code == 410 and "deleted" in gone.json()["error"]
    client = sign_in(practice.client(), "client_a")
    old_link = client.get(f"/sessions/{newest}/check-in")
    assert old_link.status_code == 410 and "was deleted" in old_link.text
    assert client.get(f"/api/sessions/{replacement}/check-in").status_code == 200


def test_only_those_who_could_see_a_deleted_session_learn_that_it_was_deleted(practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    sid = practice.ids["session_a2"]
    assert post(therapist, f"/sessions/{sid}/delete", {"sure": "yes"}, headers=JSON).status_code == 200
    assert therapist.get(f"/api/sessions/{sid}").status_code == 410
    for other in ("therapist_b", "client_b", "supervisor_b"):
        assert sign_in(practice.client(), other).get(f"/api/sessions/{sid}").status_code == 404, other


def n_sessions(therapist: object, record: str) -> int:
    return len(therapist.get(f"/api/clients/{record}").json()["sessions"])  # type: ignore[attr-defined]


def test_a_file_and_pasted_text_together_are_refused_and_nothing_is_stored(practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    record = practice.ids["record_a"]
    before = n_sessions(therapist, record)
    for headers in (JSON, {}):
        response = therapist.post(f"/clients/{record}/sessions", headers=headers,
                                  data={"csrf_token": csrf_of(therapist), "text": "T: Hi?\nC: Hello."},
                                  files={"file": ("s.txt", (EXAMPLES / "directive.txt").read_bytes(),
                                                  "text/plain")})
        assert response.status_code == 400 and "not both" in response.text
    assert n_sessions(therapist, record) == before


def test_an_upload_for_a_client_without_consent_keeps_the_text_and_says_what_to_do(
        practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    record = post(therapist, "/clients", {"label": "Not yet"}, headers=JSON).json()["client_id"]
    pasted = "Therapist: How are you today?\nClient: Tired, mostly."
    response = post(therapist, f"/clients/{record}/sessions", {"text": pasted, "title": "Week one"})
    assert response.status_code == 409
    assert "How are you today?" in response.text and 'value="Week one"' in response.text
    assert "give consent" in response.text and "invitation link" in response.text


def test_web_messages_speak_of_the_form_not_of_command_line_flags(practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    record = practice.ids["record_a"]
    forced = post(therapist, f"/clients/{record}/sessions",
                  {"text": "Anna: How are you?\nBen: Fine.", "input_format": "vtt"}, headers=JSON)
    assert forced.status_code == 422 and "Format" in forced.json()["error"]
    inferred = post(therapist, f"/clients/{record}/sessions",
                    {"text": "Anna: How are you? What brings you?\nBen: I am fine, I think."}, headers=JSON)
    assert inferred.status_code == 200 and inferred.json()["notices"]
    for message in (forced.json()["error"], *inferred.json()["notices"]):
        assert not re.search(r"--[a-z]", message), message


def test_the_report_is_titled_by_the_session_not_the_uploaded_file(practice: Practice) -> None:
    client = sign_in(practice.client(), "client_a")
    report = client.get(f"/sessions/{practice.ids['session_a1']}/report").text
    title = re.search(r"<title>([^<]*)</title>", report)
    assert title is not None and "Session 1" in title.group(1) and "session1" not in title.group(1)
    assert "session1" not in report.split("<body", 1)[1].split("<script", 1)[0]
