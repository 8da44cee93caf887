"""Bad recordings get a clear error that names the file and never quotes what was said."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import pytest
from synth import Made, tools_missing

import equipoise
from equipoise.audio import weights
from equipoise.errors import InputError, LimitError, RequirementError
from equipoise.runner import failure, run_one


def _error(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        equipoise.load(path)
    assert path.name in str(caught.value)
    return caught.value


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "session.wav"
    path.write_bytes(b"")
    assert "empty" in str(_error(path))


def test_a_file_that_is_not_audio_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "session.mp3"
    path.write_bytes(b"\x00\x01 this is not a recording " * 200)
    assert "decoded as audio" in str(_error(path))


@pytest.mark.skipif(tools_missing() is not None, reason=tools_missing() or "")
def test_a_silent_recording_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "silent.wav"
    subprocess.run(["sox", "-n", "-r", "16000", "-c", "1", "-b", "16", str(path), "trim", "0", "5"],
                   check=True)
    assert "silent" in str(_error(path))


def test_a_truncated_recording_is_refused(sessions: dict[str, Made], tmp_path: Path) -> None:
    path = tmp_path / "cut.wav"
    path.write_bytes(sessions["goals"].path.read_bytes()[:40])
    _error(path)


def test_a_recording_over_the_length_limit_is_refused(sessions: dict[str, Made],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EQUIPOISE_MAX_AUDIO_SECONDS", "10")
    path = sessions["goals"].path
    with pytest.raises(LimitError) as caught:
        equipoise.load(path)
    assert "EQUIPOISE_MAX_AUDIO_SECONDS" in str(caught.value)
    assert failure(caught.value, "goals.wav").http_status == 413


def test_without_the_audio_extra_the_message_names_it(sessions: dict[str, Made],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "faster_whisper" else real(name, *a))
    with pytest.raises(RequirementError, match=r"equipoise\[audio\]"):
        run_one(sessions["goals"].path)


def test_weights_with_another_hash_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from equipoise.audio import recognise

    monkeypatch.setattr(recognise, "WHISPER", dataclasses.replace(weights.WHISPER, sha256="0" * 64))
    recognise._model.cache_clear()
    try:
        with pytest.raises(RequirementError, match="not the pinned"):
            recognise._model(1)
    finally:
        recognise._model.cache_clear()


def test_the_shipped_weights_match_their_pins() -> None:
    assert weights.verified(weights.WHISPER).name == "model.bin"
    assert weights.verified(weights.VAD).name == "silero_vad_v6.onnx"


def test_without_the_audio_extra_a_recording_fails_alone_and_the_transcripts_are_analysed(
        sessions: dict[str, Made], monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from click.testing import CliRunner

    from equipoise.cli import main

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "faster_whisper" else real(name, *a))
    transcript = Path(__file__).resolve().parents[2] / "examples" / "course" / "session1.txt"
    result = CliRunner().invoke(main, ["analyse", str(sessions["goals"].path), str(transcript),
                                       "--format", "json"])
    assert result.exit_code == 1, result.output  # some inputs failed; the rest are written
    assert "goals.wav" in result.stderr and "equipoise[audio]" in result.stderr
    assert "session1" in result.stdout
