"""Two-voice sessions synthesised once per test run (espeak-ng and sox), with their gold.

Nothing here may reach a network: the recogniser is given a local folder, and ``HF_HUB_OFFLINE`` makes
any hub call fail instead of downloading.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
os.environ["HF_HUB_OFFLINE"] = "1"

from synth import SESSIONS, Made, synthesise, tools_missing


@pytest.fixture(scope="session")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Made]:
    """The synthesised sessions by name (WAV files in a private temporary folder)."""
    why = tools_missing()
    if why:
        pytest.skip(why)
    folder = tmp_path_factory.mktemp("audio")
    folder.chmod(0o700)
    return {s.name: synthesise(s, folder / f"{s.name}.wav") for s in SESSIONS}


_WORDS: dict[str, list[object]] = {}


@pytest.fixture(autouse=True)
def recognise_each_recording_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same samples recognised again give the words of the first time (tests read the same
    sessions several times); decoding, diarisation and everything after still run each time."""
    import hashlib

    from equipoise.audio import recognise as module

    real = module.recognise

    def memo(samples, progress=None, n_threads=None):  # type: ignore[no-untyped-def]
        key = hashlib.sha256(samples.tobytes()).hexdigest()
        if key not in _WORDS:
            _WORDS[key] = real(samples, progress, n_threads)
        elif progress is not None:
            progress(len(samples) / 16_000, len(samples) / 16_000)
        return list(_WORDS[key])

    monkeypatch.setattr(module, "recognise", memo)


@pytest.fixture(autouse=True)
def no_downloads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt by faster-whisper to fetch a model fails the test."""
    import faster_whisper.transcribe
    import faster_whisper.utils

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a model download was attempted")

    monkeypatch.setattr(faster_whisper.utils, "download_model", refuse)
    monkeypatch.setattr(faster_whisper.transcribe, "download_model", refuse)
