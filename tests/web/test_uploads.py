"""Adding sessions: every supported file format through the upload, pasted text, and clear errors."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .conftest import EXAMPLES, REPO, Practice, csrf_of, post, sign_in

FIXTURES = REPO / "tests" / "fixtures" / "formats"

JSON = {"accept": "application/json"}


@pytest.mark.parametrize("name", ["collaborative.txt", "power_shift.csv", "overlap_teams.vtt",
                                  "reverse_shift.jsonl"])
def test_a_session_in_any_supported_format_can_be_uploaded(practice: Practice, name: str) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    response = therapist.post(f"/clients/{practice.ids['record_a']}/sessions",
                              data={"csrf_token": csrf_of(therapist)},
                              files={"file": (name, (EXAMPLES / name).read_bytes(), "text/plain")},
                              headers=JSON)
    assert response.status_code == 200, response.text
    session_id = response.json()["session_id"]
    # Before the reflection the therapist sees the profile only by choosing to look first (blinding).
    assert therapist.get(f"/api/sessions/{session_id}/profile").status_code == 409
    post(therapist, f"/sessions/{session_id}/unblind", headers=JSON)
    profile = therapist.get(f"/api/sessions/{session_id}/profile").json()
    assert profile["transcript"]["n_turns"] > 40
    assert therapist.get(f"/api/sessions/{session_id}").json()["session"]["source_format"] != "unknown"


def _docx() -> bytes:
    import io

    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in EXAMPLES.joinpath("collaborative.txt").read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _recording() -> bytes:
    """A two-voice session synthesised with espeak-ng and sox (tests/audio/synth.py)."""
    import sys
    import tempfile
    from pathlib import Path

    sys.path.insert(0, str(REPO / "tests" / "audio"))
    from synth import GOALS, synthesise, tools_missing

    why = tools_missing()
    if why:
        pytest.skip(why)
    with tempfile.TemporaryDirectory() as folder:
        return synthesise(GOALS, Path(folder) / "goals.wav").path.read_bytes()


# Every reader of `equipoise formats`, through the upload form: (file name, its bytes, expected format).
UPLOADS = [
    ("otter.srt", lambda: (FIXTURES / "otter.srt").read_bytes(), "srt"),
    ("otter.txt", lambda: (FIXTURES / "otter.txt").read_bytes(), "otter"),
    ("zoom.vtt", lambda: (FIXTURES / "zoom.vtt").read_bytes(), "vtt"),
    ("whisperx.json", lambda: (FIXTURES / "whisperx.json").read_bytes(), "whisper"),
    ("mi_coded_style.csv", lambda: (FIXTURES / "mi_coded_style.csv").read_bytes(), "annomi"),
    ("session.jsonl", lambda: (FIXTURES / "session.jsonl").read_bytes(), "jsonl"),
    ("utterances.jsonl", lambda: (FIXTURES / "convokit" / "utterances.jsonl").read_bytes(), "convokit"),
    ("session.docx", _docx, "docx"),
    ("session.wav", _recording, "audio"),
]


@pytest.mark.parametrize(("name", "content", "expected"), UPLOADS, ids=[u[2] for u in UPLOADS])
def test_every_reader_is_reachable_through_the_upload(practice: Practice, name: str,
                                                      content: Callable[[], bytes], expected: str) -> None:
    from equipoise.ingest import formats

    assert {u[2] for u in UPLOADS} | {"plain", "csv"} == set(formats.names())
    therapist = sign_in(practice.client(), "therapist_a")
    response = therapist.post(f"/clients/{practice.ids['record_a']}/sessions",
                              data={"csrf_token": csrf_of(therapist)},
                              files={"file": (name, content(), "application/octet-stream")},
                              headers=JSON)
    assert response.status_code == 200, response.text
    page = therapist.get(f"/api/sessions/{response.json()['session_id']}").json()
    assert page["session"]["source_format"] == expected


def test_pasted_text_is_read_as_plain_text(practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    text = (EXAMPLES / "directive.txt").read_text(encoding="utf-8")
    response = post(therapist, f"/clients/{practice.ids['record_a']}/sessions",
                    {"text": text, "title": "Pasted"}, headers=JSON)
    assert response.status_code == 200, response.text
    page = therapist.get(f"/api/sessions/{response.json()['session_id']}").json()
    assert page["session"]["title"] == "Pasted" and page["session"]["source_format"] == "plain"


def test_an_unreadable_file_gets_a_message_naming_the_uploaded_file(practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    response = therapist.post(f"/clients/{practice.ids['record_a']}/sessions",
                              data={"csrf_token": csrf_of(therapist)},
                              files={"file": ("notes.csv", b"who,what\nx,y\n", "text/csv")}, headers=JSON)
    assert response.status_code == 422
    message = response.json()["error"]
    assert "notes.csv" in message and "equipoise-upload" not in message and "/tmp" not in message
    empty = post(therapist, f"/clients/{practice.ids['record_a']}/sessions", {"text": "  "}, headers=JSON)
    assert empty.status_code == 400 and "choose a transcript file or paste" in empty.json()["error"]
    html = therapist.post(f"/clients/{practice.ids['record_a']}/sessions",
                          data={"csrf_token": csrf_of(therapist)},
                          files={"file": ("notes.csv", b"who,what\nx,y\n", "text/csv")})
    assert html.status_code == 422 and "notes.csv" in html.text and "<html" in html.text


def test_the_check_in_link_sends_a_signed_out_client_through_sign_in(practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    page = therapist.get(f"/api/sessions/{practice.ids['session_a2']}").json()
    link = page["check_in_url"].removeprefix("http://127.0.0.1")
    client = practice.client()
    first = client.get(link, follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == f"/login?next={link}"
    signed_in = post(client, "/login", {"email": "client_a@test.example", "password": "correct horse battery",
                                        "next": link}, follow_redirects=False)
    assert signed_in.headers["location"] == link
    assert "How was Session 2?" in client.get(link).text


def test_the_client_reads_the_client_version_of_their_report(practice: Practice) -> None:
    client = sign_in(practice.client(), "client_a")
    client_report = client.get(f"/sessions/{practice.ids['session_a1']}/report").text
    therapist = sign_in(practice.client(), "therapist_a")
    therapist_report = therapist.get(f"/sessions/{practice.ids['session_a1']}/report").text
    assert "therapist version" in therapist_report and "therapist version" not in client_report
    # The client sees only their own answers on the course page, not the therapist's expectations.
    course = client.get(f"/api/clients/{practice.ids['record_a']}/course").json()
    assert all(p["predicted"] is None and p["predicted_items"] is None for p in course["points"])
