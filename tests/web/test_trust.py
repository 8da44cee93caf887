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
