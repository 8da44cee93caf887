"""AnnoMI-style CSV: the public motivational-interviewing corpus, and files laid out like it.

Accepted shape: a CSV with the columns ``transcript_id``, ``utterance_id``, ``interlocutor``
(``therapist`` or ``client``), ``timestamp`` (``HH:MM:SS``, optional) and ``utterance_text``; other
columns (``mi_quality``, ``topic``, the annotations ...) are ignored. Both AnnoMI files are read: in
``annomi-full`` each utterance appears once per annotator, and only its first row is kept (reported).

One file holds many sessions. :func:`read` returns the first ``transcript_id`` in the file and reports
how many others there are; :func:`read_all` returns every session, keyed by id. Within a session the
turns are sorted by ``utterance_id``. The interlocutor gives both the speaker (``Therapist`` or
``Client``) and the role. AnnoMI's times are whole seconds set by hand, and a few step back by a second
or two; such a step (at most :data:`TOLERANCE` seconds) is raised to the previous time and reported, a
larger one is left for the usual check to refuse. A time that cannot be read at all (the corpus has one
``00:09:025``) is left empty and reported rather than refusing a whole corpus file over optional
metadata; that session then counts as untimed. Messages name the row as a spreadsheet shows it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import InputError
from ..model import Role
from .formats import Format
from .raw import Parsed, RawTurn
from .source import read_text
from .table import first_line, normalise, time_value

REQUIRED = ("transcript_id", "utterance_id", "interlocutor", "utterance_text")
#: Largest backward step between consecutive AnnoMI times (seconds) that is smoothed rather than refused.
TOLERANCE = 2.0
_ROLES = {"therapist": Role.THERAPIST, "client": Role.CLIENT}


def read_all(path: Path) -> dict[str, Parsed]:
    """Every session in the file, keyed by ``transcript_id``, in the order they first appear."""
    source = read_text(path)
    reader = csv.reader(io.StringIO(source.text.lstrip("\ufeff"), newline=""))
    sessions: dict[str, list[tuple[int, RawTurn]]] = {}
    seen: set[tuple[str, str]] = set()
    duplicates = 0
    unreadable: set[int] = set()
    try:
        header = [normalise(cell) for cell in next(reader, [])]
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            raise InputError(path, f"no {', '.join(missing)} column; an AnnoMI file needs "
                                   f"{', '.join(REQUIRED)} (timestamp optional)", line=1, unit="row")
        column = {name: header.index(name) for name in (*REQUIRED, "timestamp") if name in header}
        for number, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue
            if len(record) <= max(column.values()):
                raise InputError(path, f"this row has {len(record)} fields, fewer than the header",
                                 line=number, unit="row")
            transcript, utterance = record[column["transcript_id"]].strip(), record[column["utterance_id"]]
            if (transcript, utterance.strip()) in seen:
                duplicates += 1
                continue
            seen.add((transcript, utterance.strip()))
            sessions.setdefault(transcript, []).append(
                (_order(path, utterance, number), _turn(path, record, column, number, unreadable)))
    except csv.Error as exc:
        raise InputError(path, f"is not valid CSV ({exc})", line=reader.line_num) from None
    if not sessions:
        raise InputError(path, "no utterances below the header")
    result = {}
    for transcript, rows in sessions.items():
        turns, smoothed = _smooth([turn for _, turn in sorted(rows, key=lambda pair: pair[0])])
        notices = list(source.notices)
        if duplicates:
            notices.append(f"{path.name}: kept the first of several rows for {duplicates} utterance(s) "
                           "(one row per annotator)")
        if smoothed:
            notices.append(f"{path.name}: transcript {transcript}: {len(smoothed)} time(s) a second or two "
                           f"before the previous one were raised to it (row {_rows(smoothed)})")
        lost = [turn.line for turn in turns if turn.line in unreadable]
        if lost:
            notices.append(f"{path.name}: transcript {transcript}: {len(lost)} unreadable timestamp(s) "
                           f"left empty (row {_rows(lost)})")
        result[transcript] = Parsed(turns, notices, unit="row")
    return result


def read(path: Path) -> Parsed:
    sessions = read_all(path)
    first, parsed = next(iter(sessions.items()))
    if len(sessions) > 1:
        parsed.notices.append(
            f"{path.name}: holds {len(sessions)} transcripts; read only transcript_id {first}, the first "
            "(split the file by transcript_id to analyse the others)")
    return parsed


def _rows(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers[:10])) + (" ..." if len(numbers) > 10 else "")


def _order(path: Path, value: str, number: int) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise InputError(path, "utterance_id must be a whole number", line=number, unit="row") from None


def _turn(path: Path, record: list[str], column: dict[str, int], number: int,
          unreadable: set[int]) -> RawTurn:
    interlocutor = record[column["interlocutor"]].strip().casefold()
    role = _ROLES.get(interlocutor)
    if role is None:
        raise InputError(path, "unknown interlocutor; valid values: therapist, client", line=number,
                         unit="row")
    start = None
    if "timestamp" in column:
        try:
            start = time_value(record[column["timestamp"]].strip() or None)
        except ValueError:
            unreadable.add(number)
    return RawTurn(role.value.capitalize(), record[column["utterance_text"]], number, start, None, role)


def _smooth(turns: list[RawTurn]) -> tuple[list[RawTurn], list[int]]:
    """Raise a time that steps back by at most TOLERANCE seconds to the time before it."""
    smoothed: list[int] = []
    result: list[RawTurn] = []
    latest: float | None = None
    for turn in turns:
        if turn.start is not None and latest is not None and latest - TOLERANCE <= turn.start < latest:
            smoothed.append(turn.line)
            turn = RawTurn(turn.speaker, turn.text, turn.line, latest, turn.end, turn.role)
        if turn.start is not None:
            latest = max(latest or 0.0, turn.start)
        result.append(turn)
    return result, smoothed


def sniff(head: str) -> bool:
    try:
        header = {normalise(cell) for cell in next(csv.reader([first_line(head)]), [])}
    except csv.Error:
        return False
    return {"interlocutor", "utterance_text"} <= header


FORMAT = Format(
    name="annomi",
    description="AnnoMI-style CSV (transcript_id, utterance_id, interlocutor, timestamp, utterance_text)",
    extensions=(".csv",),
    read=read,
    sniff=sniff,
)
