"""Plain text with speaker prefixes: ``T:``/``C:``, ``Therapist:``/``Client:`` or ``Name:``.

A line that starts with a prefix opens a turn; lines without one continue the current turn, so
multi-line turns and wrapped paragraphs are kept whole. An optional time may stand before the prefix
(``[00:01:05] T: ...`` or ``00:01:05 Therapist: ...``). Lines before the first prefix (a title, a date)
are skipped and reported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ..errors import InputError
from ..model import Role
from .formats import Format
from .raw import Parsed, RawTurn
from .source import read_text
from .timecode import parse_time

_PREFIX = re.compile(
    r"""^\s*
    (?:\[?(?P<time>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)\]?\s+)?      # optional time
    (?P<speaker>[^\W\d_][\w.'\-]*(?:\s[^\W_][\w.'\-]*){0,3}?)     # one to four words ("Speaker 2")
    \s*:\s*(?P<text>.*)$""",
    re.VERBOSE,
)


def speaker_prefix(line: str) -> re.Match[str] | None:
    """The ``time``, ``speaker`` and ``text`` groups of a line that looks like ``Name: text``, or None."""
    match = _PREFIX.match(line)
    # A URL ("https://...") is not a speaker.
    if match is None or match.group("text").startswith("//"):
        return None
    return match


def looks_like_name(label: str) -> bool:
    """Whether a label is written like a name: each word capitalised or a number ("Dr. Ana", "Speaker 2")."""
    words = label.split()
    return bool(words) and all(word[0].isupper() or word[0].isdigit() for word in words)


def choose_speakers(lines: Sequence[str]) -> set[str]:
    """Prefixes that name speakers: those used at least twice, or role words.

    A sentence such as "And then he said: stop" looks like a prefix once; a real speaker speaks more
    than once. A file whose every prefix is used only once keeps them all.
    """
    counts: dict[str, int] = {}
    for line in lines:
        match = speaker_prefix(line)
        if match:
            name = match.group("speaker").strip()
            counts[name] = counts.get(name, 0) + 1
    chosen = set()
    for name, count in counts.items():
        if count >= 2:
            chosen.add(name)
        else:
            try:
                Role.parse(name)
                chosen.add(name)
            except ValueError:
                pass
    return chosen or set(counts)


def parse_prefixed(path: Path, lines: Sequence[tuple[int, str]], unit: str = "line") -> Parsed:
    """Turns from numbered lines with speaker prefixes; shared by the plain-text and DOCX readers.

    ``lines`` pairs each line with the number reported in messages (a line or paragraph number).
    """
    turns: list[RawTurn] = []
    notices: list[str] = []
    speaker: str | None = None
    start: float | None = None
    first_line = 0
    parts: list[str] = []
    skipped = 0

    def flush() -> None:
        if speaker is not None:
            turns.append(RawTurn(speaker, " ".join(parts), first_line, start))

    known = choose_speakers([line for _, line in lines])
    for number, line in lines:
        match = speaker_prefix(line)
        if match is not None and match.group("speaker").strip() in known:
            flush()
            speaker = match.group("speaker").strip()
            first_line = number
            parts = [match.group("text")]
            start = None
            if match.group("time"):
                try:
                    start = parse_time(match.group("time"))
                except ValueError as exc:
                    raise InputError(path, f"malformed time: {exc}", line=number, unit=unit) from None
        elif line.strip():
            if speaker is None:
                skipped += 1
            else:
                parts.append(line.strip())
    flush()
    if not turns:
        raise InputError(path, "no speaker prefixes found (expected lines like 'Therapist: ...' or 'T: ...')",
                         hint="or force another format with --input-format")
    if skipped:
        notices.append(f"{path.name}: skipped {skipped} {unit}(s) before the first speaker prefix")
    return Parsed(turns, notices, unit=unit)


def read(path: Path) -> Parsed:
    source = read_text(path)
    parsed = parse_prefixed(path, list(enumerate(source.lines(), start=1)))
    parsed.notices[:0] = source.notices
    return parsed


def sniff(head: str) -> bool:
    lines = [line for line in head.splitlines()[:40] if line.strip()]
    return bool(lines) and sum(1 for line in lines if speaker_prefix(line)) >= len(lines) / 3


FORMAT = Format(
    name="plain",
    description="Plain text with speaker prefixes (T:/C:, Therapist:/Client:, Name:), multi-line turns",
    extensions=(".txt", ".text", ".md"),
    read=read,
    sniff=sniff,
)
