"""Uploads through the one runner: limits, regular errors, nothing written to disk."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from equipoise.cli import main

from .conftest import make_app, post, seed_practice, sign_in

SECRET = "Pangolinfig"


def _transcript(tmp_path: Path, lines: list[str], name: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_cli_and_the_web_upload_report_a_limit_with_the_same_message(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [f"{'Therapist' if i % 2 else 'Client'}: {SECRET} {i}?" for i in range(6)]
    path = _transcript(tmp_path, lines, "session.txt")
    result = CliRunner().invoke(main, ["analyse", str(path)], env={"EQUIPOISE_MAX_TURNS": "4"})
    assert result.exit_code == 1
    cli_message = result.stderr.strip().removeprefix("error: ")
    assert "number of turns (6) is over the limit of 4" in cli_message and SECRET not in result.output

    app = make_app(f"sqlite:///{tmp_path / 'web.db'}")
    try:
        practice = seed_practice(app)
        therapist = sign_in(practice.client(), "therapist_a")
        monkeypatch.setenv("EQUIPOISE_MAX_TURNS", "4")
        response = therapist.post(f"/clients/{practice.ids['record_a']}/sessions",
                                  data={"csrf_token": therapist.get("/api/login").json()["csrf_token"]},
                                  files={"file": ("session.txt", path.read_bytes(), "text/plain")},
                                  headers={"accept": "application/json"})
        assert response.status_code == 413
        assert cli_message.replace(str(path), "session.txt") in response.json()["error"]
        assert response.json()["error"].startswith("The transcript is too large to analyse: ")
        assert SECRET not in response.text
    finally:
        app.state.engine.dispose()


def test_an_upload_is_read_in_memory_and_leaves_no_file_behind(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    app = make_app(f"sqlite:///{tmp_path / 'web.db'}")
    try:
        practice = seed_practice(app)
        therapist = sign_in(practice.client(), "therapist_a")
        seen: list[list[str]] = []

        def spy(transcript):  # type: ignore[no-untyped-def]
            seen.append(sorted(p.name for p in scratch.iterdir()))  # while the upload is being analysed
            from equipoise.web.reports import analyse

            return analyse(transcript)

        app.state.equipoise.analyse = spy
        response = post(therapist, f"/clients/{practice.ids['record_a']}/sessions",
                        {"text": f"Therapist: Hello?\nClient: {SECRET}."},
                        headers={"accept": "application/json"})
        assert response.status_code == 200, response.text
        assert seen == [[]] and list(scratch.iterdir()) == []
    finally:
        app.state.engine.dispose()


def test_an_upload_never_reads_a_file_beside_the_server(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # A ConvoKit upload looks for speakers.json beside it: on the server's disk it must not find one.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "speakers.json").write_text('{"A": {"meta": {"role": "client"}}, "B": {"meta": {"role": '
                                            '"therapist"}}}')
    from equipoise.ingest import load_bytes

    data = (b'{"id": "1", "speaker": "A", "text": "What do you want?", "conversation_id": "c"}\n'
            b'{"id": "2", "speaker": "B", "text": "I want to sleep.", "conversation_id": "c"}\n')
    transcript = load_bytes(data, "utterances.jsonl")
    roles = {s.name: s.role.value for s in transcript.speakers}
    assert roles == {"A": "therapist", "B": "client"}  # inferred, not read from the server's file
