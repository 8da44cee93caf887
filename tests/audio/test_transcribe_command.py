"""`equipoise transcribe` writes a transcript a person can check, and that transcript analyses back."""

from __future__ import annotations

import csv
import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from synth import Made

import equipoise
from equipoise.cli import main


@pytest.fixture(scope="module")
def written(sessions: dict[str, Made], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("transcripts")
    paths = {}
    for fmt in ("csv", "jsonl", "vtt"):
        result = CliRunner().invoke(main, ["transcribe", str(sessions["check_in"].path), "--out",
                                           str(out / fmt), "--format", fmt])
        assert result.exit_code == 0, result.output
        assert "transcribing" in result.output and "100%" in result.output
        paths[fmt] = out / fmt / f"check_in.{fmt}"
    return paths


def test_the_csv_has_speaker_role_start_end_and_text(written: dict[str, Path]) -> None:
    with written["csv"].open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["speaker", "role", "start", "end", "text"]
    assert rows[0]["speaker"] == "SPEAKER_1" and rows[0]["role"] == "therapist"
    assert all(float(r["start"]) < float(r["end"]) for r in rows)


def test_the_transcript_is_private(written: dict[str, Path]) -> None:
    for path in written.values():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "vtt"])
def test_each_written_format_analyses_like_the_recording(written: dict[str, Path], sessions: dict[str, Made],
                                                         fmt: str) -> None:
    transcript = equipoise.load(written[fmt])
    recorded = equipoise.load(sessions["check_in"].path)
    assert [t.text for t in transcript.turns] == [t.text for t in recorded.turns]
    assert [t.role for t in transcript.turns] == [t.role for t in recorded.turns]
    assert [t.start for t in transcript.turns] == pytest.approx([t.start for t in recorded.turns], abs=0.01)


def test_a_corrected_transcript_is_analysed_as_corrected(written: dict[str, Path], tmp_path: Path) -> None:
    lines = [json.loads(line) for line in written["jsonl"].read_text(encoding="utf-8").splitlines()]
    for line in lines:  # the person checking it names the voices
        line["speaker"] = {"SPEAKER_1": "Dr Ana", "SPEAKER_2": "Sam"}[line["speaker"]]
    corrected = tmp_path / "corrected.jsonl"
    corrected.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = CliRunner().invoke(main, ["analyse", str(corrected), "--format", "json"])
    assert result.exit_code == 0, result.output
    profile = json.loads(result.stdout)
    assert {s["name"]: s["role"] for s in profile["transcript"]["speakers"]} == {"Dr Ana": "therapist",
                                                                                  "Sam": "client"}


def test_a_bad_recording_fails_alone_and_is_named(sessions: dict[str, Made], tmp_path: Path) -> None:
    bad = tmp_path / "broken.wav"
    bad.write_bytes(b"RIFF not really")
    result = CliRunner().invoke(main, ["transcribe", str(bad), str(sessions["goals"].path), "--out",
                                       str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "broken.wav" in result.output
    assert (tmp_path / "out" / "goals.csv").is_file()


def test_analyse_reads_a_recording_directly(sessions: dict[str, Made]) -> None:
    result = CliRunner().invoke(main, ["analyse", str(sessions["goals"].path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["transcript"]["n_turns"] == 7
