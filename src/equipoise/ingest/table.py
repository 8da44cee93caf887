"""Generic tables: CSV with a header row, and JSONL with one object per line.

Accepted shape (DESIGN §3): columns ``speaker`` and ``text``, optional ``role`` (therapist, client or
other; common spellings such as ``T``, ``counsellor`` or ``patient`` are understood), ``start`` and
``end`` (seconds such as ``12.5``, or ``MM:SS`` / ``HH:MM:SS`` with optional milliseconds)::

    speaker,role,start,end,text
    Dana,therapist,00:00:01,00:00:06,"What brings you in today?"
    Lee,client,00:00:07,00:00:15,"My sleep has been falling apart."

Column names are compared without case, and a few aliases are understood (``name`` for speaker;
``utterance``, ``content``, ``transcript`` for text; ``start_time``/``end_time``). Other columns are
ignored. A CSV may be separated by commas, semicolons or tabs. JSONL objects use the same keys.

Each row is one turn and the order is kept. Messages name the row as a spreadsheet shows it (the header
is row 1) for CSV, and the line for JSONL.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..errors import InputError
from ..model import Role
from .formats import Format
from .raw import Parsed, RawTurn
from .source import read_text
from .timecode import parse_time

#: Accepted column names (after lower-casing; spaces and hyphens read as underscores).
ALIASES: dict[str, tuple[str, ...]] = {
    "speaker": ("speaker", "name", "speaker_name", "speaker_id", "participant"),
    "text": ("text", "utterance", "utterance_text", "content", "transcript", "message"),
    "role": ("role", "speaker_role"),
    "start": ("start", "start_time", "begin", "time", "timestamp"),
    "end": ("end", "end_time", "stop"),
}
REQUIRED = ("speaker", "text")


def normalise(name: str) -> str:
    """A column name as compared: lower case, without BOM or surrounding space, ``_`` for space."""
    return re.sub(r"[\s\-]+", "_", name.lstrip("\ufeff").strip().casefold())


def find_columns(header: Sequence[str]) -> dict[str, int]:
    """Which column holds each field (``speaker``, ``text``, ``role``, ``start``, ``end``)."""
    names = [normalise(cell) for cell in header]
    found: dict[str, int] = {}
    for field, aliases in ALIASES.items():
        for alias in aliases:
            if alias in names:
                found[field] = names.index(alias)
                break
    return found


def missing_columns(path: Path, columns: Mapping[str, int], header: Sequence[str], unit: str,
                    line: int = 1) -> None:
    """Raise when the speaker or text column is absent, saying which names are accepted.

    The names found are listed only for JSON keys: a CSV without a header row has a turn in its first
    row, and that must not reach a message.
    """
    missing = [field for field in REQUIRED if field not in columns]
    if missing:
        wanted = "; ".join(f"{field}: {', '.join(ALIASES[field])}" for field in missing)
        if unit == "line":
            found = f"keys found: {', '.join(name.strip()[:30] for name in header[:12]) or 'none'}"
        else:
            found = f"the first row has {len(header)} column(s)"
        raise InputError(path, f"no {' or '.join(missing)} column (accepted names: {wanted}); {found}",
                         line=line, unit=unit,
                         hint="the first row must name the columns" if unit == "row" else None)


def row_turn(path: Path, values: Mapping[str, object], number: int, unit: str) -> RawTurn:
    """One turn from a row's fields; a bad role or time is an error naming the row, not its content."""
    role: Role | None = None
    unknown = False
    raw_role = _cell(values.get("role"))
    if raw_role:
        try:
            role = Role.parse(raw_role)
        except ValueError:
            # Refused when the transcript is built, unless --therapist/--client settle the roles.
            unknown = True
    times: dict[str, float | None] = {}
    for field in ("start", "end"):
        value = values.get(field)
        if isinstance(value, str):
            value = value.strip() or None
        try:
            times[field] = time_value(value)
        except ValueError as exc:
            raise InputError(path, f"malformed {field} time: {exc}", line=number, unit=unit) from None
    return RawTurn(_cell(values.get("speaker")), _cell(values.get("text")), number, times["start"],
                   times["end"], role, unknown)


def time_value(value: object) -> float | None:
    """Seconds from a cell or JSON value (None when absent); ``ValueError`` with a short reason."""
    if value is None:
        return None
    if not isinstance(value, str | int | float):
        raise ValueError("not a time (expected seconds or HH:MM:SS)")
    return parse_time(value)


def parse_json(path: Path, text: str, line: int | None = None) -> object:
    """Decode JSON; malformed or absurdly nested input is an error naming the line, never the content."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"is not valid JSON ({exc.msg}, column {exc.colno})",
                         line=exc.lineno if line is None else line) from None
    except RecursionError:
        raise InputError(path, "is JSON nested too deeply to read", line=line) from None


def first_line(text: str) -> str:
    """The first line of a text, without BOM, whatever the line endings."""
    lines = text.lstrip("\ufeff").splitlines()
    return lines[0] if lines else ""


def _cell(value: object) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def _dialect(header_line: str) -> str:
    """The separator that makes the header name a speaker and a text column (comma by default)."""
    for delimiter in (",", ";", "\t"):
        try:
            header = next(csv.reader([header_line], delimiter=delimiter), [])
        except csv.Error:
            continue
        if all(field in find_columns(header) for field in REQUIRED):
            return delimiter
    return ","


def read_csv(path: Path) -> Parsed:
    source = read_text(path)
    text = source.text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_dialect(first_line(text)))
    turns: list[RawTurn] = []
    try:
        header = next(reader, [])
        columns = find_columns(header)
        missing_columns(path, columns, header, "row")
        for number, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue
            values = {field: record[index] if index < len(record) else None
                      for field, index in columns.items()}
            turns.append(row_turn(path, values, number, "row"))
    except csv.Error as exc:
        # csv's messages describe the structure (quotes, field size), never the content.
        raise InputError(path, f"is not valid CSV ({exc})", line=reader.line_num) from None
    return Parsed(turns, list(source.notices), unit="row")


def read_jsonl(path: Path) -> Parsed:
    source = read_text(path)
    turns: list[RawTurn] = []
    for number, line in enumerate(source.text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        item = parse_json(path, line, number)
        if not isinstance(item, dict):
            raise InputError(path, "each line must be a JSON object with speaker and text", line=number)
        keys = [str(key) for key in item]
        columns = find_columns(keys)
        missing_columns(path, columns, keys, "line", line=number)
        values = {field: item[keys[index]] for field, index in columns.items()}
        turns.append(row_turn(path, values, number, "line"))
    return Parsed(turns, list(source.notices))


def sniff_csv(head: str) -> bool:
    line = first_line(head)
    try:
        header = next(csv.reader([line], delimiter=_dialect(line)), [])
    except csv.Error:
        return False
    return all(field in find_columns(header) for field in REQUIRED)


_KEY = re.compile(r'"([^"\\]{1,40})"\s*:')


def sniff_jsonl(head: str) -> bool:
    line = first_line(head.lstrip())
    return line.startswith("{") and all(field in find_columns(_KEY.findall(line)) for field in REQUIRED)


FORMATS = (
    Format(
        name="csv",
        description="CSV with a header: speaker, text, optional role, start, end (seconds or HH:MM:SS)",
        extensions=(".csv", ".tsv"),
        read=read_csv,
        sniff=sniff_csv,
    ),
    Format(
        name="jsonl",
        description="JSON Lines, one object per turn with the CSV's keys (speaker, text, role, start, end)",
        extensions=(".jsonl", ".ndjson"),
        read=read_jsonl,
        sniff=sniff_jsonl,
    ),
)
