"""Reading transcripts from the files clinicians and researchers have.

>>> from equipoise.ingest import load          # doctest: +SKIP
>>> transcript = load("examples/collaborative.txt")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..limits import Limits, over
from ..model import ROLE_WORDS, Speaker, Transcript, Turn
from . import formats
from .formats import Format, detect
from .raw import Parsed, RawTurn
from .roles import assign_roles
from .source import in_memory, is_dir
from .timecode import format_time

__all__ = ["Format", "Parsed", "RawTurn", "build_transcript", "detect", "load", "load_bytes"]


def load(
    path: str | Path,
    *,
    input_format: str | None = None,
    therapist: Sequence[str] = (),
    client: Sequence[str] = (),
    merge_consecutive: bool = False,
    limits: Limits | None = None,
    keep_cues: bool = False,
) -> Transcript:
    """Read a transcript file (or ConvoKit folder) in any supported format.

    ``input_format`` forces a format by name (see ``equipoise formats``); otherwise it is detected.
    ``therapist`` and ``client`` name speakers whose role is known, overriding what the file says and
    the inference. In caption formats (VTT, SRT) consecutive cues of one speaker form one turn, and the
    number merged is reported, unless ``keep_cues``; in other formats consecutive turns of one speaker
    are kept apart unless ``merge_consecutive``.
    ``limits`` bound the work (default: :meth:`Limits.from_env`); an input over one is an InputError.
    """
    path = Path(path)
    limits = limits or Limits.from_env()
    fmt = formats.get(input_format) if input_format else detect(path)
    try:
        parsed = fmt.read(path)
    except InputError:
        raise
    except (ValueError, KeyError, IndexError, TypeError, UnicodeError, AttributeError) as exc:
        # A reader library choked on malformed content. Its message may quote the content, so only the
        # kind of failure is passed on.
        raise InputError(path, f"is not valid {fmt.name} ({exc.__class__.__name__})",
                         hint="check the file, or force another format with --input-format") from None
    return build_transcript(path, parsed, fmt.name, therapist=therapist, client=client,
                            merge_consecutive=merge_consecutive, keep_cues=keep_cues, limits=limits)


def load_bytes(data: bytes, filename: str, **options: Any) -> Transcript:
    """Read a transcript held in memory (an upload) as if it were a file called ``filename``.

    Nothing is written to disk. Takes the same options as :func:`load`.
    """
    path = Path(Path(filename).name or "upload.txt")
    with in_memory(path, data):
        return load(path, **options)


def build_transcript(
    path: Path,
    parsed: Parsed,
    source_format: str,
    *,
    therapist: Sequence[str] = (),
    client: Sequence[str] = (),
    merge_consecutive: bool = False,
    limits: Limits | None = None,
    keep_cues: bool = False,
) -> Transcript:
    """Check raw turns (text, times, limits), settle roles and build the immutable :class:`Transcript`."""
    limits = limits or Limits.from_env()
    if len(parsed.turns) > limits.max_turns:
        raise over(path, "the number of turns", len(parsed.turns), limits, "max_turns")
    notices = list(parsed.notices)
    names: set[str] = set()
    kept: list[RawTurn] = []
    empty_lines: list[int] = []
    for raw in parsed.turns:
        speaker = raw.speaker.strip()
        if not speaker:
            raise InputError(path, "a turn has no speaker", line=raw.line, unit=parsed.unit,
                             hint="every turn needs a speaker name or role")
        if len(raw.text) > limits.max_turn_chars:
            # Before anything splits or labels it: a 40 MB line would exhaust memory in the n-grams.
            raise over(path, "this turn's length in characters", len(raw.text), limits, "max_turn_chars",
                       line=raw.line, unit=parsed.unit)
        if speaker not in names:
            names.add(speaker)
            if len(names) > limits.max_speakers:
                raise over(path, "the number of speakers", len(names), limits, "max_speakers",
                           line=raw.line, unit=parsed.unit)
        text = " ".join(raw.text.split())
        if not text:
            empty_lines.append(raw.line)
            continue
        _check_times(path, raw, kept[-1] if kept else None, parsed.unit)
        kept.append(RawTurn(speaker, text, raw.line, raw.start, raw.end, raw.role, raw.unknown_role))
    if empty_lines:
        where = ", ".join(str(n) for n in empty_lines[:10]) + (" ..." if len(empty_lines) > 10 else "")
        notices.append(f"{path.name}: skipped {len(empty_lines)} turn(s) with no text "
                       f"({parsed.unit} {where})")
    if not kept:
        raise InputError(path, "no turns with text were found",
                         hint="check the format; `equipoise formats` lists what can be read")
    if merge_consecutive or (parsed.captions and not keep_cues):
        before = len(kept)
        kept = _merge(kept)
        if parsed.captions and len(kept) < before:
            notices.append(f"{path.name}: joined {before} caption cues into {len(kept)} turns "
                           f"({before - len(kept)} merged: consecutive cues of one speaker are one turn)")
    if not therapist and not client:
        _refuse_unknown_roles(path, kept, parsed.unit)
    roles, role_notices = assign_roles(path, kept, therapist, client)
    notices.extend(role_notices)
    speakers = {name: Speaker(name, role) for name, role in roles.items()}
    turns = [Turn(i, speakers[raw.speaker], raw.text, raw.start, raw.end) for i, raw in enumerate(kept)]
    stem = path.name if is_dir(path) else path.stem
    return Transcript.from_turns(stem, turns, source_format=source_format, notices=notices)


def _refuse_unknown_roles(path: Path, turns: Sequence[RawTurn], unit: str) -> None:
    bad = next((raw for raw in turns if raw.unknown_role and raw.role is None), None)
    if bad is not None:
        words = "; ".join(f"{role.value}: {', '.join(w)}" for role, w in ROLE_WORDS.items())
        raise InputError(path, f"unknown value in the role column; accepted words are {words}",
                         line=bad.line, unit=unit,
                         hint="or leave the role empty to infer it, or name the therapist with "
                              "--therapist NAME")


def _check_times(path: Path, raw: RawTurn, previous: RawTurn | None, unit: str) -> None:
    if raw.start is not None and raw.end is not None and raw.end < raw.start:
        raise InputError(path, f"this turn ends ({format_time(raw.end)}) before it starts "
                         f"({format_time(raw.start)})", line=raw.line, unit=unit, hint="fix the timestamps")
    if previous is not None and raw.start is not None and previous.start is not None \
            and raw.start < previous.start:
        raise InputError(path, f"timestamps go backwards: this turn starts at {format_time(raw.start)}, "
                         f"before the previous one ({format_time(previous.start)}, {unit} {previous.line})",
                         line=raw.line, unit=unit, hint="turns must be in the order they were spoken")


def _merge(turns: list[RawTurn]) -> list[RawTurn]:
    merged: list[RawTurn] = []
    for raw in turns:
        if merged and merged[-1].speaker == raw.speaker:
            last = merged[-1]
            end = raw.end if raw.end is not None else last.end
            merged[-1] = RawTurn(last.speaker, f"{last.text} {raw.text}", last.line, last.start, end,
                                 last.role or raw.role, last.unknown_role or raw.unknown_role)
        else:
            merged.append(raw)
    return merged
