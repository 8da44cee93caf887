"""Otter.ai text exports: a header line with the speaker's name and the time, then what they said.

Accepted shape (Otter separates name and time with two spaces; one is accepted)::

    Jane Doe  0:02
    How have things been since we last met?

    Sam  0:09
    Better, mostly. The mornings are still hard.

    Jane Doe  1:02:15
    ...

The time (``M:SS``, ``MM:SS`` or ``H:MM:SS``) becomes the turn's start; Otter gives no end times. A
header starts a block (first line, or after an empty line); the lines up to the next header are the
turn, so several paragraphs stay one turn. When some names repeat, a header-like line whose name occurs
only once and is not capitalised like a name (``At around 5:30``) is taken as text. Otter's closing
"Transcribed by https://otter.ai" line is dropped.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError
from .formats import Format
from .plain import looks_like_name
from .raw import Parsed, RawTurn
from .source import read_text
from .timecode import parse_time

_HEADER = re.compile(r"^(?P<name>[^\s:][^:\t]{0,60}?)[ \t]+(?P<time>\d{1,2}:\d{2}(?::\d{2})?)[ \t]*$")
_FOOTER = re.compile(r"^\s*transcribed by\s+https?://otter\.ai\S*\s*$", re.IGNORECASE)


def _headers(lines: list[str]) -> dict[int, re.Match[str]]:
    """Header lines by index: lines that match, start a block, and name a speaker who recurs or whose
    name is written like one (so "At around 5:30" alone on a line stays text)."""
    found: dict[int, re.Match[str]] = {}
    for index, line in enumerate(lines):
        if index == 0 or not lines[index - 1].strip():
            match = _HEADER.match(line.strip())
            if match:
                found[index] = match
    counts: dict[str, int] = {}
    for match in found.values():
        counts[match.group("name")] = counts.get(match.group("name"), 0) + 1
    if any(count >= 2 for count in counts.values()):
        found = {i: m for i, m in found.items()
                 if counts[m.group("name")] >= 2 or looks_like_name(m.group("name"))}
    return found


def read(path: Path) -> Parsed:
    source = read_text(path)
    lines = source.lines()
    headers = _headers(lines)
    if not headers:
        raise InputError(path, "no Otter speaker lines found (expected 'Name  0:05' before each turn)",
                         hint="or force another format with --input-format")
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

    for index, line in enumerate(lines):
        match = headers.get(index)
        if match is not None:
            flush()
            speaker, first_line, parts = match.group("name").strip(), index + 1, []
            try:
                start = parse_time(match.group("time"))
            except ValueError as exc:
                raise InputError(path, f"malformed time: {exc}", line=index + 1) from None
        elif line.strip() and not _FOOTER.match(line):
            if speaker is None:
                skipped += 1
            else:
                parts.append(line.strip())
    flush()
    if skipped:
        notices.append(f"{path.name}: skipped {skipped} line(s) before the first speaker line")
    return Parsed(turns, notices)


def sniff(head: str) -> bool:
    # Otter alternates a header and a paragraph; a title line may come first.
    lines = [line for line in head.lstrip("\ufeff").splitlines() if line.strip()][:60]
    headers = sum(1 for line in lines if _HEADER.match(line.strip()))
    if lines and _HEADER.match(lines[0].strip()):
        return headers >= 2 or len(lines) < 4
    return headers >= 2 and headers >= len(lines) / 4


FORMAT = Format(
    name="otter",
    description="Otter.ai text export: 'Name  MM:SS' header lines, each followed by the turn's text",
    extensions=(".txt",),
    read=read,
    sniff=sniff,
)
