"""SRT subtitles with speaker names, as Otter and other transcription services export them.

Accepted shape: numbered cues, each a number, a timing line ``00:00:03,180 --> 00:00:05,690`` (a ``.``
before the milliseconds is accepted too) and the text, which starts with the speaker's name::

    1
    00:00:03,180 --> 00:00:05,690
    Jane Doe: How have things been this week?

Cue times become the turn's start and end; messages point at the line of the cue's timing line. Each cue
is one turn here; consecutive cues of one speaker are joined into one turn when the transcript is
built (the number merged is reported). Formatting tags (``<i>``, ``<font>``)
are dropped. Parsing is done by pysrt.
"""

from __future__ import annotations

import re
from pathlib import Path

from .cues import match_cues, orphan_blocks, timing_lines, turns_from_cues
from .formats import Format
from .raw import Parsed
from .source import read_text

_CLOCK = re.compile(r"\d+:\d{1,2}:\d{1,2}[,.]\d{3}")
_SNIFF = re.compile(r"\A\s*\d+\s*\r?\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s+-->\s+")


def read(path: Path) -> Parsed:
    import pysrt

    source = read_text(path)
    lines = source.lines()
    timings = timing_lines(path, lines, _CLOCK, "00:01:02,500")
    document = pysrt.SubRipFile.from_string(source.text.lstrip("\ufeff"))
    parsed = [(item.start.ordinal / 1000, item.text) for item in document]
    result = turns_from_cues(path, match_cues(path, timings, parsed))
    result.captions = True
    result.notices[:0] = source.notices
    result.notices.extend(orphan_blocks(path, lines))
    return result


def sniff(head: str) -> bool:
    return bool(_SNIFF.match(head.lstrip("\ufeff")))


FORMAT = Format(
    name="srt",
    description="SRT subtitles with 'Name:' at the start of each cue (Otter and similar exports)",
    extensions=(".srt",),
    read=read,
    sniff=sniff,
)
