"""Fuzzing every registered reader: random bytes and mutated valid files never crash ``equipoise.load``.

The only exceptions allowed out of :func:`equipoise.load` are :class:`equipoise.errors.EquipoiseError`
subclasses; an :class:`InputError` names the file and never quotes the transcript (each seed holds the
word in ``SECRET``). A short run is in the default suite; ``make fuzz`` (``pytest -m slow``) runs long.
"""

from __future__ import annotations

import functools
import io
import json
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import equipoise
from equipoise.errors import EquipoiseError, InputError
from equipoise.ingest import formats

SECRET = "Quokkaberry"
SHORT = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
LONG = settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck), database=None)

_TURNS = [
    ("Dr Ana Ruiz", "therapist", "What would you like to talk about today?"),
    ("Sam", "client", f"My sleep, mostly, and the thing with {SECRET} again"),
    ("Dr Ana Ruiz", "therapist", "The sleep, and that. Where shall we start?"),
    ("Sam", "client", "The sleep. I wake at three and can't get back off"),
]


def _vtt() -> str:
    cues = [f"{i + 1}\n00:00:{2 * i + 1:02d}.000 --> 00:00:{2 * i + 2:02d}.500\n<v {s}>{t}</v>\n"
            for i, (s, _, t) in enumerate(_TURNS)]
    return "WEBVTT\n\n" + "\n".join(cues)


def _srt() -> str:
    return "\n".join(f"{i + 1}\n00:00:{2 * i + 1:02d},000 --> 00:00:{2 * i + 2:02d},500\n{s}: {t}\n"
                     for i, (s, _, t) in enumerate(_TURNS))


#: A small valid file per format, as text (DOCX is built below). ConvoKit's is its utterances.jsonl.
TEXT_SEEDS: dict[str, str] = {
    "plain": "Session notes\n" + "".join(f"{'T' if r == 'therapist' else 'C'}: {t}\n" for _, r, t in _TURNS)
             + "C: And a second line\nthat continues the turn\n",
    "vtt": _vtt(),
    "srt": _srt(),
    "otter": "".join(f"{s}  0:{10 * i + 2:02d}\n{t}\n\n" for i, (s, _, t) in enumerate(_TURNS))
             + "Transcribed by https://otter.ai\n",
    "whisper": json.dumps({"segments": [
        {"start": 2.0 * i, "end": 2.0 * i + 1.5, "text": f" {t}", "speaker": f"SPEAKER_0{i % 2}"}
        for i, (_, _, t) in enumerate(_TURNS)]}, indent=1),
    "annomi": "transcript_id,mi_quality,utterance_id,interlocutor,timestamp,utterance_text\n" + "".join(
        f'7,high,{i},{r},00:00:{3 * i:02d},"{t}"\n' for i, (_, r, t) in enumerate(_TURNS)),
    "csv": "speaker,text,role,start,end\n" + "".join(
        f'{s},"{t}",{r},00:00:{3 * i:02d},{3 * i + 2}\n' for i, (s, r, t) in enumerate(_TURNS)),
    "jsonl": "".join(json.dumps({"speaker": s, "role": r, "text": t, "start": 3 * i}) + "\n"
                     for i, (s, r, t) in enumerate(_TURNS)),
    "convokit": "".join(json.dumps({"id": f"u{i}", "speaker": s, "text": t, "timestamp": 3 * i,
                                    "reply_to": f"u{i - 1}" if i else None, "conversation_id": "u0",
                                    "meta": {"role": r}}) + "\n" for i, (s, r, t) in enumerate(_TURNS)),
}

SUFFIX = {"plain": ".txt", "vtt": ".vtt", "srt": ".srt", "otter": ".txt", "whisper": ".json",
          "annomi": ".csv", "csv": ".csv", "jsonl": ".jsonl", "docx": ".docx", "convokit": "",
          "audio": ".wav"}


@functools.cache
def wav_seed() -> bytes:
    """Half a second of a 220 Hz tone as a 16 kHz WAV: decodes cleanly (speech is tested in tests/audio
    against synthesised voices, whose words a seed here could not carry)."""
    import wave

    import numpy as np

    tone = (8000 * np.sin(2 * np.pi * 220 * np.arange(8000) / 16000)).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(tone.tobytes())
    return buffer.getvalue()


@functools.cache
def docx_seed() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Session notes")
    for _, role, text in _TURNS:
        document.add_paragraph(f"{role.title()}: {text}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def seed(name: str) -> bytes:
    if name == "audio":
        return wav_seed()
    return docx_seed() if name == "docx" else TEXT_SEEDS[name].encode("utf-8")


def registered() -> list[str]:
    names = [fmt.name for fmt in formats.all_formats()]
    assert set(names) <= set(SUFFIX), f"add a seed for the new format(s) {set(names) - set(SUFFIX)}"
    return names


NAMES = registered()


def check_load(name: str, content: bytes, *, detect: bool = False) -> None:
    """Load ``content`` as format ``name``: a transcript or an EquipoiseError, nothing else."""
    with tempfile.TemporaryDirectory() as folder:
        if name == "convokit":
            path = Path(folder) / "corpus"
            path.mkdir()
            (path / "utterances.jsonl").write_bytes(content)
        else:
            path = Path(folder) / f"session{SUFFIX[name]}"
            path.write_bytes(content)
        try:
            transcript = equipoise.load(path, input_format=None if detect else name)
        except EquipoiseError as exc:
            message = str(exc)
            assert SECRET not in message, f"{name}: an error quotes the transcript"
            if isinstance(exc, InputError):
                assert path.name in message, f"{name}: an error does not name the file"
            return
        assert transcript.n_turns >= 1
        assert len(transcript.speakers) >= 2
        assert all(turn.text.strip() for turn in transcript.turns)


# --- mutations of valid files ---

@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """``original`` with one to four byte flips, truncations, duplicated or dropped lines, insertions."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        operation = draw(st.sampled_from(["flip", "truncate", "duplicate", "drop", "insert", "swap"]))
        position = draw(st.integers(0, len(data) - 1))
        if operation == "flip":
            data[position] ^= draw(st.integers(1, 255))
        elif operation == "truncate":
            del data[position:]
        elif operation == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=16))
        else:
            lines = bytes(data).splitlines(keepends=True)
            index = draw(st.integers(0, len(lines) - 1))
            if operation == "duplicate":
                lines.insert(index, lines[index] * draw(st.integers(1, 3)))
            elif operation == "drop":
                del lines[index]
            else:
                other = draw(st.integers(0, len(lines) - 1))
                lines[index], lines[other] = lines[other], lines[index]
            data = bytearray(b"".join(lines))
    return bytes(data)


@st.composite
def mutated_docx(draw: st.DrawFn) -> bytes:
    """A valid DOCX whose ``word/document.xml`` is mutated inside an intact zip."""
    source = zipfile.ZipFile(io.BytesIO(docx_seed()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "word/document.xml":
                content = draw(mutated(content))
            target.writestr(item, content)
    return out.getvalue()


# --- the tests, short and long ---

def _random_bytes(name: str, data: bytes) -> None:
    check_load(name, data)


def _mutated_file(name: str, data: st.DataObject) -> None:
    check_load(name, data.draw(mutated(seed(name)), label="mutated"))


def _detected(name: str, data: st.DataObject) -> None:
    check_load(name, data.draw(mutated(seed(name)), label="mutated"), detect=True)


def _both(body: Callable[..., None], strategy: st.SearchStrategy[object]) -> tuple[object, object]:
    short = pytest.mark.parametrize("name", NAMES)(SHORT(given(strategy)(body)))
    long = pytest.mark.slow(pytest.mark.parametrize("name", NAMES)(LONG(given(strategy)(body))))
    return short, long


test_random_bytes_never_crash, test_random_bytes_never_crash_long = _both(
    _random_bytes, st.binary(max_size=4096))
test_mutated_files_never_crash, test_mutated_files_never_crash_long = _both(_mutated_file, st.data())
test_mutated_files_detected_never_crash, test_mutated_files_detected_never_crash_long = _both(
    _detected, st.data())


@SHORT
@given(mutated_docx())
def test_mutated_docx_xml_never_crashes(content: bytes) -> None:
    check_load("docx", content)


@pytest.mark.slow
@LONG
@given(mutated_docx())
def test_mutated_docx_xml_never_crashes_long(content: bytes) -> None:
    check_load("docx", content)


@pytest.mark.parametrize("name", [n for n in NAMES if n != "audio"])
def test_every_seed_is_a_valid_file(name: str) -> None:
    """The mutations start from files that read cleanly, so they probe the reader, not the seed."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"session{SUFFIX[name]}"
        if name == "convokit":
            path.mkdir()
            (path / "utterances.jsonl").write_bytes(seed(name))
        else:
            path.write_bytes(seed(name))
        transcript = equipoise.load(path, input_format=name)
    assert transcript.source_format == name
    assert transcript.n_turns >= 4
    assert SECRET in " ".join(turn.text for turn in transcript.turns)


def test_the_audio_seed_decodes_and_holds_no_speech(tmp_path: Path) -> None:
    path = tmp_path / "session.wav"
    path.write_bytes(seed("audio"))
    with pytest.raises(InputError, match="no speech was recognised"):
        equipoise.load(path, input_format="audio")
