"""Whisper-style JSON segments with speaker labels, as WhisperX with diarisation writes them.

Accepted shapes: an object with a ``segments`` list (Whisper, WhisperX, the OpenAI ``verbose_json``
response), or a bare list of segments. Each segment has ``start`` and ``end`` (seconds) and ``text``,
and ``speaker`` (``SPEAKER_00`` from diarisation, or a name)::

    {"segments": [{"start": 0.0, "end": 2.4, "text": " How are you?", "speaker": "SPEAKER_00"}, ...]}

Each segment is one turn; messages name the segment by its position (1-based). Plain Whisper output
has no speaker labels, and who said what cannot be recovered soundly from the text alone (segments
follow pauses, not speaker changes), so such a file is refused with a request to diarise it first.
A segment without a label takes the speaker of most of its ``words`` when those are labelled;
segments left without any label (WhisperX leaves some) are kept under the speaker ``Unknown`` (role
other) and reported.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from ..errors import InputError
from .formats import Format
from .raw import Parsed, RawTurn
from .source import read_text
from .table import parse_json, time_value

UNKNOWN_SPEAKER = "Unknown"


def read(path: Path) -> Parsed:
    source = read_text(path)
    data = parse_json(path, source.text.lstrip("\ufeff"))
    segments = data.get("segments") if isinstance(data, dict) else data
    if not isinstance(segments, list):
        raise InputError(path, "expected a JSON object with a 'segments' list, or a list of segments",
                         hint="or force another format with --input-format")
    turns: list[RawTurn] = []
    unlabelled: list[int] = []
    for number, segment in enumerate(segments, start=1):
        if not isinstance(segment, dict):
            raise InputError(path, "a segment must be a JSON object", line=number, unit="segment")
        times: dict[str, float | None] = {}
        for field in ("start", "end"):
            try:
                times[field] = time_value(segment.get(field))
            except ValueError as exc:
                raise InputError(path, f"malformed {field} time: {exc}", line=number,
                                 unit="segment") from None
        text = segment.get("text")
        speaker = segment.get("speaker")
        if speaker is None or not str(speaker).strip():
            speaker = _word_speaker(segment.get("words"))
        if speaker is None or not str(speaker).strip():
            unlabelled.append(number)
            speaker = UNKNOWN_SPEAKER
        turns.append(RawTurn(str(speaker).strip(), text if isinstance(text, str) else "", number,
                             times["start"], times["end"]))
    if turns and len(unlabelled) == len(turns):
        raise InputError(path, "the segments have no speaker labels; Equipoise needs to know who said what",
                         hint="run speaker diarisation first, for example WhisperX with --diarize, so that "
                              "each segment has a 'speaker'")
    notices = list(source.notices)
    if unlabelled:
        where = ", ".join(str(n) for n in unlabelled[:10]) + (" ..." if len(unlabelled) > 10 else "")
        notices.append(f"{path.name}: {len(unlabelled)} segment(s) have no speaker label and are kept "
                       f"under {UNKNOWN_SPEAKER!r} (segment {where})")
    return Parsed(turns, notices, unit="segment")


def _word_speaker(words: object) -> str | None:
    """The speaker of most of a segment's words, when diarisation labelled words but not the segment."""
    if not isinstance(words, list):
        return None
    labels = Counter(str(w["speaker"]) for w in words if isinstance(w, dict) and w.get("speaker") is not None)
    return labels.most_common(1)[0][0] if labels else None


_SEGMENT_LIST = re.compile(r'\A\s*\[\s*\{[^{}]*"(?:start|text)"\s*:')


def sniff(head: str) -> bool:
    head = head.lstrip("\ufeff").lstrip()
    if head.startswith("{"):
        return bool(re.search(r'"segments"\s*:\s*\[', head))
    return bool(_SEGMENT_LIST.match(head))


FORMAT = Format(
    name="whisper",
    description="Whisper/WhisperX JSON segments (start, end, text) with diarised 'speaker' labels",
    extensions=(".json",),
    read=read,
    sniff=sniff,
)
