"""What the subtitle readers (WebVTT, SRT) share: timing lines checked strictly, speakers found in cues.

A subtitle library parses the cue blocks; this module finds the line of each cue's timing line, so that
messages can point at it, and rejects malformed times that the libraries would silently skip or read as
zero. Speakers come from WebVTT voice tags (``<v Jane Doe>text</v>``, as Microsoft Teams writes them) or
from a name at the start of a cue line (``Jane Doe: text``, as Zoom and Otter write them). One cue gives
one turn per speaker in it here; consecutive cues of one speaker are joined into one turn when the
transcript is built (:func:`equipoise.ingest.build_transcript`), and the number merged is reported.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from .plain import choose_speakers, looks_like_name, speaker_prefix
from .raw import Parsed, RawTurn
from .timecode import parse_time

_TIMING = re.compile(r"^\s*(?P<start>\S+)\s+-->\s+(?P<end>\S+)(?:\s.*)?$")
_VOICE = re.compile(r"<v(?:\.[^\s>]+)*\s+(?P<name>[^>]*)>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")


@dataclass(frozen=True, slots=True)
class Cue:
    """One subtitle cue: where its timing line is, its times in seconds and its text with tags kept."""

    line: int
    start: float
    end: float
    text: str


def timing_lines(path: Path, lines: Sequence[str], clock: re.Pattern[str], example: str) -> list[Cue]:
    """Every ``start --> end`` line with its line number and times; a malformed time is an error.

    ``clock`` is the pattern one time must match (the formats differ in the decimal sign) and
    ``example`` shows the expected form in the message. The returned cues have no text yet.
    """
    found: list[Cue] = []
    for number, line in enumerate(lines, start=1):
        if "-->" not in line:
            continue
        match = _TIMING.match(line)
        times: list[float] = []
        for value in (match.group("start"), match.group("end")) if match else ():
            if clock.fullmatch(value):
                try:
                    times.append(parse_time(value))
                except ValueError:
                    break
        if len(times) != 2:
            raise InputError(path, f"malformed cue timing (expected '{example} --> {example}')",
                             line=number, hint="fix the times of this cue")
        found.append(Cue(number, times[0], times[1], ""))
    return found


def orphan_blocks(path: Path, lines: Sequence[str], allowed: tuple[str, ...] = ()) -> list[str]:
    """A notice for blocks of text with no timing line (an empty line inside a cue splits it).

    The subtitle libraries skip such blocks without a word; blocks that start with one of ``allowed``
    (WebVTT's ``WEBVTT`` header, ``NOTE``, ``STYLE``, ``REGION``) are legitimate and not counted.
    """
    orphans: list[int] = []
    block: list[tuple[int, str]] = []
    for number, line in [*enumerate(lines, start=1), (len(lines) + 1, "")]:
        if line.strip():
            block.append((number, line))
            continue
        if block and not any("-->" in text for _, text in block) \
                and not block[0][1].lstrip("\ufeff").startswith(allowed):
            orphans.append(block[0][0])
        block = []
    if not orphans:
        return []
    return [f"{path.name}: skipped {len(orphans)} block(s) of text without a timing line (line "
            f"{_lines(orphans)}); an empty line inside a cue ends it"]


def match_cues(path: Path, timings: Sequence[Cue], parsed: Sequence[tuple[float, str]]) -> list[Cue]:
    """Pair the cues a library parsed (start, text) with the timing lines found, in order.

    A library skips a cue block it cannot read; the first timing line left without a cue is named.
    """
    cues: list[Cue] = []
    position = 0
    for timing in timings:
        if position < len(parsed) and abs(parsed[position][0] - timing.start) < 0.0015:
            cues.append(Cue(timing.line, timing.start, timing.end, parsed[position][1]))
            position += 1
        else:
            raise InputError(path, "this cue could not be read", line=timing.line,
                             hint="a cue is an optional number or identifier, the timing line, then the "
                                  "text, with an empty line between cues")
    return cues


def _clean(text: str) -> str:
    return html.unescape(_TAG.sub("", text)).strip()


def _voice_segments(raw: str) -> list[tuple[str | None, str]]:
    """Split a cue's raw text at voice tags: (speaker or None for text before the first tag, text)."""
    segments: list[tuple[str | None, str]] = []
    matches = list(_VOICE.finditer(raw))
    head = raw[: matches[0].start()] if matches else raw
    if _clean(head):
        segments.append((None, _clean(head)))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(raw)
        segments.append((match.group("name").strip() or None, _clean(raw[match.end():end])))
    return segments


def _prefix_segments(raw: str, known: set[str]) -> list[tuple[str | None, str]]:
    """Split a cue's text at lines that open with a known speaker name (``Name: text``)."""
    segments: list[tuple[str | None, list[str]]] = []
    for line in raw.splitlines():
        clean = _clean(line).lstrip("-– ").strip()
        match = speaker_prefix(clean)
        if match is not None and match.group("speaker").strip() in known:
            segments.append((match.group("speaker").strip(), [match.group("text")]))
        elif segments:
            segments[-1][1].append(clean)
        else:
            segments.append((None, [clean]))
    return [(speaker, " ".join(parts)) for speaker, parts in segments]


def _cue_speakers(cues: Sequence[Cue]) -> set[str]:
    """Names that open cue lines: those :func:`choose_speakers` accepts, and capitalised names.

    Zoom and Otter start every cue with a name, so a name that opens a cue once is still a speaker
    when it is written like a name ("Riley", "Dr. Amara Okafor", "Speaker 3") rather than a sentence.
    """
    lines = [_clean(line).lstrip("-– ").strip() for cue in cues for line in cue.text.splitlines()]
    known = set(choose_speakers(lines))
    for cue in cues:
        match = speaker_prefix(_clean(cue.text.split("\n", 1)[0]).lstrip("-– ").strip())
        if match is not None and looks_like_name(match.group("speaker")):
            known.add(match.group("speaker").strip())
    return known


def turns_from_cues(path: Path, cues: Sequence[Cue]) -> Parsed:
    """Turns from cues, with speakers from voice tags or else from ``Name:`` prefixes.

    Text that carries no speaker continues the previous speaker as a turn of its own (reported);
    text before the first speaker is skipped (reported). No speaker at all is an error.
    """
    if any(_VOICE.search(cue.text) for cue in cues):
        segmented = [_voice_segments(cue.text) for cue in cues]
    else:
        known = _cue_speakers(cues)
        segmented = [_prefix_segments(cue.text, known) for cue in cues]
    turns: list[RawTurn] = []
    continued: list[int] = []
    skipped: list[int] = []
    speaker: str | None = None
    for cue, segments in zip(cues, segmented, strict=True):
        for name, text in segments:
            if name is None:
                if not text:
                    continue
                if speaker is None:
                    skipped.append(cue.line)
                    continue
                continued.append(cue.line)
            else:
                speaker = name
            turns.append(RawTurn(speaker, text, cue.line, cue.start, cue.end))
    if speaker is None:
        raise InputError(path, "no speaker names in the cues (expected voice tags like <v Name> as Teams "
                               "writes them, or 'Name: ' at the start of the text as Zoom and Otter do)",
                         hint="export the transcript with speaker names")
    notices = []
    if continued:
        notices.append(f"{path.name}: {len(continued)} cue(s) without a speaker name were given to the "
                       f"speaker before them (line {_lines(continued)})")
    if skipped:
        notices.append(f"{path.name}: skipped {len(skipped)} cue(s) before the first speaker name "
                       f"(line {_lines(skipped)})")
    return Parsed(turns, notices)


def _lines(numbers: Sequence[int]) -> str:
    return ", ".join(str(n) for n in numbers[:10]) + (" ..." if len(numbers) > 10 else "")
