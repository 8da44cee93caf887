"""Plain text with speaker prefixes: ``T:``/``C:``, ``Therapist:``/``Client:`` or ``Name:``.

A line that starts with a prefix opens a turn; lines without one continue the current turn, so
multi-line turns and wrapped paragraphs are kept whole. An optional time may stand before the prefix
(``[00:01:05] T: ...`` or ``00:01:05 Therapist: ...``). Lines before the first prefix (a title, a date)
are skipped and reported.
"""

from __future__ import annotations

import re
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
    (?P<speaker>[A-Za-z][\w.'\-]*(?:\s[A-Za-z][\w.'\-]*){0,3}?)       # one to four words
    \s*:\s*(?P<text>.*)$""",
    re.VERBOSE,
)


def _candidate(line: str) -> re.Match[str] | None:
    match = _PREFIX.match(line)
    # A URL ("https://...") is not a speaker.
    if match is None or match.group("text").startswith("//"):
        return None
    return match


def _speakers(lines: list[str]) -> set[str]:
    """Prefixes that name speakers: those used at least twice, or role words.

    A sentence such as "And then he said: stop" looks like a prefix once; a real speaker speaks more
    than once. A file whose every prefix is used only once keeps them all.
    """
    counts: dict[str, int] = {}
    for line in lines:
        match = _candidate(line)
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


def read(path: Path) -> Parsed:
    source = read_text(path)
    turns: list[RawTurn] = []
    notices = list(source.notices)
    speaker: str | None = None
    start: float | None = None
    first_line = 0
    parts: list[str] = []
    skipped = 0

    def flush() -> None:
        if speaker is not None:
            turns.append(RawTurn(speaker, " ".join(parts), first_line, start))

    lines = source.lines()
    known = _speakers(lines)
    for number, line in enumerate(lines, start=1):
        match = _candidate(line)
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
                    raise InputError(path, f"malformed time: {exc}", line=number) from None
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
        notices.append(f"{path.name}: skipped {skipped} line(s) before the first speaker prefix")
    return Parsed(turns, notices)


def sniff(head: str) -> bool:
    lines = [line for line in head.splitlines()[:40] if line.strip()]
    return bool(lines) and sum(1 for line in lines if _candidate(line)) >= len(lines) / 3


FORMAT = Format(
    name="plain",
    description="Plain text with speaker prefixes (T:/C:, Therapist:/Client:, Name:), multi-line turns",
    extensions=(".txt", ".text", ".md"),
    read=read,
    sniff=sniff,
)
