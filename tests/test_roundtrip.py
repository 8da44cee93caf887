"""Round trips: a transcript written as plain text, CSV or JSONL reads back as the same transcript.

Hypothesis builds transcripts of two or three speakers with roles, turns of printable unicode text and
optional times that never go backwards; each is written with a small writer below and read back with
:func:`equipoise.load`. Whitespace noise (extra spaces, blank lines, trailing spaces, CRLF, wrapped
lines) must change nothing.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import equipoise
from equipoise import Role
from equipoise.ingest.plain import speaker_prefix
from equipoise.ingest.timecode import format_time

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Printable: no control, format, surrogate, private-use or unassigned characters, no line separators.
PRINTABLE = st.characters(codec="utf-8", exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))


def normalise(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class Spec:
    """What a transcript should read back as: speakers with roles, and turns with times in ms."""

    speakers: tuple[tuple[str, Role], ...]
    turns: tuple[tuple[int, str, int | None, int | None], ...]  # speaker index, text, start, end
    clock: bool  # write times as HH:MM:SS.mmm rather than seconds


def _name_word() -> st.SearchStrategy[str]:
    tail = st.text(st.characters(categories=("L", "Nd")) | st.sampled_from(".'-"), max_size=7)
    first = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz")
    return st.builds(lambda head, rest: head + rest, first, tail)


#: Names a speaker prefix can carry: one to three words starting with an ASCII letter.
PLAIN_NAMES = st.lists(_name_word(), min_size=1, max_size=3).map(" ".join)
#: Names a table can carry: any printable text without surrounding white space.
TABLE_NAMES = st.text(PRINTABLE, min_size=1, max_size=20).map(normalise).filter(bool)
TEXTS = st.text(PRINTABLE, min_size=1, max_size=80).map(normalise).filter(bool)


@st.composite
def specs(draw: st.DrawFn, names: st.SearchStrategy[str], plain: bool) -> Spec:
    count = draw(st.integers(2, 3))
    chosen = draw(st.lists(names, min_size=count, max_size=count, unique_by=str.casefold))
    # Plain text can only say therapist or client (via --therapist/--client); tables say any role.
    third = Role.CLIENT if plain else draw(st.sampled_from([Role.CLIENT, Role.OTHER]))
    roles = [Role.THERAPIST, Role.CLIENT, third][:count]
    order = draw(st.permutations(range(count)))
    # Every speaker speaks at least twice: a plain-text prefix used once reads as part of a sentence.
    who = [*order, *order, *draw(st.lists(st.integers(0, count - 1), max_size=12))]
    texts = draw(st.lists(TEXTS, min_size=len(who), max_size=len(who)))
    if plain:
        texts = [text for text in texts if not text.startswith("//")]  # "x: //..." reads as a URL
        who = who[: len(texts)]
        if len(texts) < 2 * count:
            texts = [*texts, *["ok"] * (2 * count - len(texts))]
            who = [*order, *order]
    timed = draw(st.booleans())
    turns = []
    clock = 0
    for speaker, text in zip(who, texts, strict=True):
        start = end = None
        if timed:
            clock += draw(st.integers(0, 90_000))
            start = clock
            if not plain:
                end = start + draw(st.integers(0, 60_000))
        turns.append((speaker, text, start, end))
    return Spec(tuple(zip(chosen, roles, strict=False)), tuple(turns), draw(st.booleans()))


def _time(ms: int | None, clock: bool) -> str:
    if ms is None:
        return ""
    return format_time(ms / 1000) if clock else repr(ms / 1000)


def write_plain(spec: Spec) -> str:
    lines = []
    for speaker, text, start, _ in spec.turns:
        stamp = f"[{format_time(start / 1000)}] " if start is not None else ""
        lines.append(f"{stamp}{spec.speakers[speaker][0]}: {text}\n")
    return "".join(lines)


def write_csv(spec: Spec) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["speaker", "text", "role", "start", "end"])
    for speaker, text, start, end in spec.turns:
        name, role = spec.speakers[speaker]
        writer.writerow([name, text, role.value, _time(start, spec.clock), _time(end, spec.clock)])
    return buffer.getvalue()


def write_jsonl(spec: Spec) -> str:
    lines = []
    for speaker, text, start, end in spec.turns:
        name, role = spec.speakers[speaker]
        item: dict[str, object] = {"speaker": name, "role": role.value, "text": text}
        for key, ms in (("start", start), ("end", end)):
            if ms is not None:
                item[key] = format_time(ms / 1000) if spec.clock else ms / 1000
        lines.append(json.dumps(item, ensure_ascii=spec.clock) + "\n")
    return "".join(lines)


WRITERS = {"txt": write_plain, "csv": write_csv, "jsonl": write_jsonl}


def read_back(spec: Spec, content: str, extension: str) -> equipoise.Transcript:
    options: dict[str, object] = {}
    if extension == "txt":  # roles are not in the file: name them as a user would
        options["therapist"] = [n for n, r in spec.speakers if r is Role.THERAPIST]
        options["client"] = [n for n, r in spec.speakers if r is Role.CLIENT]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"session.{extension}"
        path.write_bytes(content.encode("utf-8"))
        return equipoise.load(path, **options)  # type: ignore[arg-type]


def assert_same(spec: Spec, transcript: equipoise.Transcript) -> None:
    appearance = list(dict.fromkeys(speaker for speaker, *_ in spec.turns))
    assert [(s.name, s.role) for s in transcript.speakers] == [spec.speakers[i] for i in appearance]
    assert transcript.n_turns == len(spec.turns)
    for turn, (speaker, text, start, end) in zip(transcript.turns, spec.turns, strict=True):
        assert turn.speaker.name == spec.speakers[speaker][0]
        assert turn.text == text
        for got, want in ((turn.start, start), (turn.end, end)):
            if want is None:
                assert got is None
            else:
                assert got == pytest.approx(want / 1000, abs=1e-6)


# --- whitespace noise ---

@st.composite
def noisy(draw: st.DrawFn, content: str, extension: str) -> str:
    """The same file with extra white space where each format allows it."""
    out = []
    for line in content.splitlines():
        if extension == "txt":
            match = speaker_prefix(line)
            assert match is not None
            head = line[: match.start("text")].rstrip()
            words = match.group("text").split(" ")
            spaced = "".join(word + " " * draw(st.integers(1, 3)) for word in words).rstrip()
            line = " " * draw(st.integers(0, 3)) + head + " " * draw(st.integers(0, 2)) + " " + spaced
            # Wrap the turn onto a second line where the rest cannot be mistaken for a new turn.
            cut = draw(st.integers(0, len(words)))
            rest = " ".join(words[cut:])
            if 0 < cut < len(words) and rest.strip() and speaker_prefix(rest) is None:
                line = head + " " + " ".join(words[:cut]) + "\n" + " " * draw(st.integers(0, 4)) + rest
        elif extension == "jsonl":
            item = json.loads(line)
            item["text"] = item["text"].replace(" ", " " * draw(st.integers(1, 3)))
            line = " " * draw(st.integers(0, 2)) + json.dumps(item)
        elif extension == "csv" and not line.startswith("speaker,"):
            record = next(csv.reader([line]))
            record[1] = record[1].replace(" ", "  ")
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="").writerow(record)
            line = buffer.getvalue()
        out.append(line + " " * draw(st.integers(0, 3)))
        out.extend([" " * draw(st.integers(0, 2))] * draw(st.integers(0, 2)))
    text = "\n".join(out)
    return text.replace("\n", "\r\n") if draw(st.booleans()) else text


# --- tests ---

@SETTINGS
@given(specs(PLAIN_NAMES, plain=True))
def test_plain_text_round_trip(spec: Spec) -> None:
    assert_same(spec, read_back(spec, write_plain(spec), "txt"))


@SETTINGS
@given(specs(TABLE_NAMES, plain=False))
def test_csv_round_trip(spec: Spec) -> None:
    assert_same(spec, read_back(spec, write_csv(spec), "csv"))


@SETTINGS
@given(specs(TABLE_NAMES, plain=False))
def test_jsonl_round_trip(spec: Spec) -> None:
    assert_same(spec, read_back(spec, write_jsonl(spec), "jsonl"))


@SETTINGS
@given(st.data(), st.sampled_from(sorted(WRITERS)))
def test_whitespace_noise_changes_nothing(data: st.DataObject, extension: str) -> None:
    spec = data.draw(specs(PLAIN_NAMES if extension == "txt" else TABLE_NAMES, plain=extension == "txt"))
    clean = WRITERS[extension](spec)
    content = data.draw(noisy(clean, extension))
    assert_same(spec, read_back(spec, content, extension))


@SETTINGS
@given(specs(TABLE_NAMES, plain=False))
def test_csv_and_jsonl_read_the_same_transcript(spec: Spec) -> None:
    from_csv = read_back(spec, write_csv(spec), "csv")
    from_jsonl = read_back(spec, write_jsonl(spec), "jsonl")
    assert from_csv.speakers == from_jsonl.speakers
    assert [(t.speaker, t.text) for t in from_csv.turns] == [(t.speaker, t.text) for t in from_jsonl.turns]


def test_writers_produce_what_the_readers_expect() -> None:
    """A fixed case, so a failure here is easy to read before the generated ones."""
    spec = Spec((("Dr Ana", Role.THERAPIST), ("Sam", Role.CLIENT)),
                ((0, "How are you, Sam?", 1000, 2500), (1, 'Fine, "mostly". Café?', 3000, 4000),
                 (0, "Good.", 5000, 5500), (1, "Yes.", 6000, 6100)), clock=True)
    assert write_plain(spec).splitlines()[0] == "[00:00:01.000] Dr Ana: How are you, Sam?"
    for extension, writer in WRITERS.items():
        transcript = read_back(spec, writer(spec), extension)
        assert [t.text for t in transcript.turns][1] == 'Fine, "mostly". Café?'
        assert transcript.turns[0].start == 1.0
