"""WebVTT transcripts, as Microsoft Teams and Zoom export them.

Accepted shape: a file that starts with ``WEBVTT``, then cues of an optional identifier, a timing line
``00:00:03.180 --> 00:00:05.690`` and the text. The speaker is either a voice tag, as Teams writes it::

    00:00:03.180 --> 00:00:05.690
    <v Jane Doe>How have things been this week?</v>

or a name at the start of the text, as Zoom writes it::

    00:00:03.180 --> 00:00:05.690
    Jane Doe: How have things been this week?

Cue times become the turn's start and end; messages point at the line of the cue's timing line. Each cue
is one turn (one per speaker when a cue holds several voices); consecutive cues of one speaker are
joined into one turn when the transcript is built (the number merged is reported). Parsing is done by
webvtt-py.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError
from .cues import match_cues, orphan_blocks, timing_lines, turns_from_cues
from .formats import Format
from .raw import Parsed
from .source import read_text

_CLOCK = re.compile(r"(?:\d+:)?\d{1,2}:\d{1,2}\.\d{1,3}")


def read(path: Path) -> Parsed:
    import webvtt

    source = read_text(path)
    lines = source.lines()
    if not lines or not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        raise InputError(path, "a WebVTT file must start with the line WEBVTT", line=1,
                         hint="or force another format with --input-format")
    timings = timing_lines(path, lines, _CLOCK, "00:01:02.500")
    document = webvtt.from_string(source.text)
    parsed = [(caption.start_time.in_milliseconds() / 1000, caption.raw_text) for caption in document]
    result = turns_from_cues(path, match_cues(path, timings, parsed))
    result.captions = True
    result.notices[:0] = source.notices
    result.notices.extend(orphan_blocks(path, lines, ("WEBVTT", "NOTE", "STYLE", "REGION")))
    return result


def sniff(head: str) -> bool:
    return head.lstrip("\ufeff").startswith("WEBVTT")


FORMAT = Format(
    name="vtt",
    description="WebVTT with speakers: Teams voice tags (<v Name>) or Zoom 'Name:' at the start of a cue",
    extensions=(".vtt", ".webvtt"),
    read=read,
    sniff=sniff,
)
