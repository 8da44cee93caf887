"""Per-session metadata for research: a CSV a researcher gives ``batch --metadata``, joined to the sessions.

The file has a header and a ``session`` column; every other column is joined as it is, as text. A row is
matched to a session of the batch by its ``session`` value, tried in this order:

1. the input's path relative to the batch folder (``course/session1.txt``, as in the ``file`` column);
2. that path without its extension (``course/session1``);
3. the file stem (``session1``, the ``session`` column), when exactly one input of the batch has it.

Rows that match no session, or several, and sessions that no row matches are reported, never dropped in
silence. With a ``consent`` column, only rows whose value is ``yes`` (``y``, ``true``, ``1``) are joined;
the others are left out and counted, and their sessions are treated as having no metadata. The researcher
must hold consent for every row in any case: the column is a second check, not a substitute.

Errors name the file and the line, never a value of the file (metadata can be as sensitive as the
transcripts).

>>> meta = parse_metadata(["session,age_group", "a,30s", "b,40s"], "meta.csv")
>>> [r.values["age_group"] for r in meta.rows]
['30s', '40s']
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .errors import InputError, UsageError

KEY = "session"
CONSENT = "consent"
CONSENT_YES = frozenset({"yes", "y", "true", "1"})
MAX_BYTES = 50_000_000


@dataclass(frozen=True, slots=True)
class MetadataRow:
    """One row of the metadata file: its line number, its ``session`` key and the other columns."""

    line: int
    key: str
    values: dict[str, str]


@dataclass(frozen=True, slots=True)
class Metadata:
    """A parsed metadata file: its columns (the key excluded), the rows with consent, and those without."""

    path: str
    columns: tuple[str, ...]
    rows: tuple[MetadataRow, ...]
    without_consent: tuple[int, ...] = ()   # line numbers of rows left out for want of consent


@dataclass(slots=True)
class JoinReport:
    """What the join did: how many sessions got metadata, and what matched nothing."""

    path: str
    matched: int = 0
    unmatched_rows: list[tuple[int, str, str]] = field(default_factory=list)  # (line, key, why)
    sessions_without: list[str] = field(default_factory=list)  # the ``file`` of each
    without_consent: int = 0


def read_metadata(path: Path, reserved: Iterable[str] = ()) -> Metadata:
    """Read and check a metadata CSV; ``reserved`` are column names it must not use (the sessions table's)."""
    if not path.is_file():
        raise UsageError(f"--metadata {path}: no such file")
    if path.stat().st_size > MAX_BYTES:
        raise InputError(path, f"the metadata file is larger than {MAX_BYTES:,} bytes")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(path, "the metadata file is not UTF-8 text", hint="save it as UTF-8 CSV") from None
    return parse_metadata(text.splitlines(keepends=True), path, reserved)


def parse_metadata(lines: Sequence[str], path: str | Path, reserved: Iterable[str] = ()) -> Metadata:
    """Parse the lines of a metadata CSV (see the module docstring); errors name the file and line."""
    reader = csv.reader(lines, strict=True)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise InputError(path, "the metadata file is empty", hint="it needs a header with a 'session' column"
                         ) from None
    except csv.Error:
        raise InputError(path, "the header is not valid CSV", line=1) from None
    _check_header(header, path, set(reserved))
    rows: list[MetadataRow] = []
    refused: list[int] = []
    first_line: dict[str, int] = {}
    while True:
        line = reader.line_num + 1  # where the row starts (a quoted cell may span lines)
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            raise InputError(path, "not valid CSV (an unclosed quote?)", line=line) from None
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise InputError(path, f"{len(cells)} cells where the header has {len(header)}", line=line)
        values = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
        key = values.pop(KEY)
        if not key:
            raise InputError(path, "the session column is empty", line=line)
        if key in first_line:
            raise InputError(path, f"a second row for the same session (the first is on line "
                                   f"{first_line[key]})", line=line)
        first_line[key] = line
        if CONSENT in values and values[CONSENT].lower() not in CONSENT_YES:
            refused.append(line)
            continue
        rows.append(MetadataRow(line, key, values))
    return Metadata(str(path), tuple(n for n in header if n != KEY), tuple(rows), tuple(refused))


def _check_header(header: list[str], path: str | Path, reserved: set[str]) -> None:
    if KEY not in header:
        raise InputError(path, "the header has no 'session' column", line=1,
                         hint="name the column that holds each session's file name 'session'")
    seen: Counter[str] = Counter(header)
    for name in header:
        if not name:
            raise InputError(path, "a column of the header has no name", line=1)
        if seen[name] > 1:
            raise InputError(path, f"the column {name!r} appears twice in the header", line=1)
        if name in reserved and name != KEY:
            raise InputError(path, f"the column {name!r} is already a column of the sessions table", line=1,
                             hint="rename it in the metadata file")


def _keys_of(file: str) -> tuple[str, str]:
    relative = PurePosixPath(file)
    return file, relative.with_suffix("").as_posix() if relative.suffix else file


def join_metadata(rows: Sequence[Mapping[str, Any]], metadata: Metadata
                  ) -> tuple[list[dict[str, Any]], JoinReport]:
    """The session rows with the metadata's columns joined (empty where no row matched), and a report."""
    by_path: dict[str, int] = {}
    stems: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        for key in _keys_of(str(row["file"])):
            by_path.setdefault(key, i)
        stems.setdefault(str(row["session"]), []).append(i)
    report = JoinReport(metadata.path, without_consent=len(metadata.without_consent))
    found: dict[int, MetadataRow] = {}
    for meta in metadata.rows:
        index = by_path.get(meta.key)
        if index is None:
            candidates = stems.get(meta.key, [])
            if len(candidates) > 1:
                report.unmatched_rows.append((meta.line, meta.key, f"{len(candidates)} sessions have this "
                                              "name; give the path from the batch folder"))
                continue
            index = candidates[0] if candidates else None
        if index is None:
            report.unmatched_rows.append((meta.line, meta.key, "no session of the batch has this name"))
        elif index in found:
            report.unmatched_rows.append((meta.line, meta.key, f"the session was matched already by line "
                                                               f"{found[index].line}"))
        else:
            found[index] = meta
    joined = []
    for i, row in enumerate(rows):
        meta = found.get(i)
        if meta is None:
            report.sessions_without.append(str(row["file"]))
        joined.append({**row, **{c: (meta.values.get(c) if meta else None) for c in metadata.columns}})
    report.matched = len(found)
    return joined, report


def write_join_report(path: Path, report: JoinReport) -> Path:
    """Write what matched nothing: one row per metadata row without a session and per session without a
    row (``kind, line, session, why``); keys and file names only, never a metadata value."""
    from .files import open_private

    with open_private(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kind", "line", "session", "why"])
        writer.writerows(("metadata row", line, key, why) for line, key, why in report.unmatched_rows)
        writer.writerows(("session", "", file, "no metadata row matches it (or its row has no consent)")
                         for file in report.sessions_without)
    return path
