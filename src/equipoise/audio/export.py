"""Writing a transcript (speaker, role, start, end, text) for a person to check and correct.

The three formats are ones Equipoise reads back: CSV and JSONL as generic tables (times in seconds, the
role column kept) and WebVTT with voice tags (roles are inferred again when it is read, unless given).
Files are private (0600).

>>> from equipoise.model import Role, Speaker, Transcript, Turn
>>> t = Transcript.from_turns("s", [Turn(0, Speaker("SPEAKER_1", Role.THERAPIST), "Hello.", 0.5, 1.25)])
>>> print(render(t, "csv").strip())
speaker,role,start,end,text
SPEAKER_1,therapist,0.50,1.25,Hello.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from ..errors import UsageError
from ..files import open_private, private_folder
from ..model import Transcript

FORMATS = ("csv", "jsonl", "vtt")


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _cue_time(value: float | None) -> str:
    millis = round((value or 0.0) * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def render(transcript: Transcript, fmt: str) -> str:
    """The transcript as text in ``fmt`` (csv, jsonl or vtt)."""
    if fmt == "csv":
        buffer = io.StringIO()
        table = csv.writer(buffer, lineterminator="\n")
        table.writerow(["speaker", "role", "start", "end", "text"])
        for t in transcript.turns:
            table.writerow([t.speaker.name, t.role.value, _seconds(t.start), _seconds(t.end), t.text])
        return buffer.getvalue()
    if fmt == "jsonl":
        return "".join(json.dumps({"speaker": t.speaker.name, "role": t.role.value, "start": t.start,
                                   "end": t.end, "text": t.text}, ensure_ascii=False) + "\n"
                       for t in transcript.turns)
    if fmt == "vtt":
        cues = [f"{n}\n{_cue_time(t.start)} --> {_cue_time(t.end if t.end is not None else t.start)}\n"
                f"<v {t.speaker.name}>{t.text}\n" for n, t in enumerate(transcript.turns, start=1)]
        return "WEBVTT\n\n" + "\n".join(cues)
    raise UsageError(f"no transcript format {fmt!r}; available: {', '.join(FORMATS)}")


def write_transcript(transcript: Transcript, out_dir: Path, fmt: str, stem: str | None = None) -> Path:
    """Write ``OUT/<stem>.<fmt>`` (private) and return its path."""
    text = render(transcript, fmt)
    target = private_folder(out_dir) / f"{stem or transcript.id}.{fmt}"
    with open_private(target, "w", newline="") as handle:
        handle.write(text)
    return target
