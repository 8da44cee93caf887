"""Recordings in a batch folder, and nothing of a recording written anywhere but the output asked for."""

from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path

import pytest
from synth import Made

import equipoise
from equipoise.batch import run_batch

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_a_batch_folder_mixes_recordings_and_transcripts(sessions: dict[str, Made], tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(sessions["goals"].path, corpus / "week1.wav")
    shutil.copy(EXAMPLES / "directive.txt", corpus / "week2.txt")
    (corpus / "broken.wav").write_bytes(b"RIFF\x10\x00\x00\x00WAVEfmt damaged")
    out = tmp_path / "out"
    result = run_batch(corpus, out, fmt="json", workers=1)
    assert (result.n_inputs, result.done, result.failed) == (3, 2, 1)
    assert (out / "week1.json").is_file() and (out / "week2.json").is_file()
    with (out / "failures.csv").open(encoding="utf-8") as handle:
        failures = list(csv.DictReader(handle))
    assert [f["file"] for f in failures] == ["broken.wav"]


def test_reading_a_recording_writes_no_file(sessions: dict[str, Made], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.chdir(scratch)
    before = sorted(p.name for p in sessions["goals"].path.parent.iterdir())
    equipoise.analyse(equipoise.load(sessions["goals"].path))
    assert list(scratch.iterdir()) == []
    assert sorted(p.name for p in sessions["goals"].path.parent.iterdir()) == before
