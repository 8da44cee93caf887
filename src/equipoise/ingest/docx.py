"""Word (DOCX) transcripts: paragraphs with speaker prefixes, or a table of speaker and text.

Accepted shapes:

- paragraphs written like plain text (see :mod:`equipoise.ingest.plain`): ``Therapist: ...``,
  ``T: ...`` or ``Name: ...`` opens a turn, paragraphs without a prefix continue it, an optional time may
  stand before the prefix. Messages name the paragraph (counting empty ones, 1-based).
- a table whose first row names the columns like a CSV (``speaker``, ``text``, optional ``role``,
  ``start``, ``end``; see :mod:`equipoise.ingest.table`), or a two-column table of speaker and text
  with no header row. Several such tables are read in order. Messages name the table row, counting the
  rows of all tables together, 1-based.

Tables are used when one has a recognised header row, or when the paragraphs hold no speaker prefixes.
Parsing is done by python-docx.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from .formats import Format
from .plain import choose_speakers, parse_prefixed
from .raw import Parsed, RawTurn
from .source import read_bytes
from .table import REQUIRED, find_columns, row_turn

if TYPE_CHECKING:
    from docx.document import Document

_TABLE_UNIT = "table row"


def _open(path: Path) -> Document:
    import docx

    data = read_bytes(path)
    _check_unpacked_size(path, data)
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # a damaged package fails in zipfile, lxml or python-docx
        raise InputError(path, f"is not a readable DOCX file ({exc.__class__.__name__})",
                         hint="open it in Word and save it again as .docx") from None


def _check_unpacked_size(path: Path, data: bytes) -> None:
    """Refuse a package whose parts unpack to more than the limit, before anything inflates them.

    The sizes come from the ZIP's central directory; a package that lies about them is caught while
    reading, as the inflated data may not exceed the declared size.
    """
    import zipfile

    from ..limits import Limits, over

    limits = Limits.from_env()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            total = sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise InputError(path, f"is not a readable DOCX file ({exc.__class__.__name__})",
                         hint="open it in Word and save it again as .docx") from None
    if total > limits.max_unpacked_bytes:
        raise over(path, "the size of the unpacked DOCX package in bytes", total, limits,
                   "max_unpacked_bytes")


def _read_tables(path: Path, document: Document, *, headerless: bool) -> Parsed | None:
    """Turns from tables with a header row (or, if ``headerless``, two-column tables), else None."""
    turns: list[RawTurn] = []
    number = 0
    for table in document.tables:
        rows = [[cell.text.strip() for cell in row.cells] for row in table.rows]
        if not rows:
            continue
        columns = find_columns(rows[0])
        body_start = 1
        if not all(field in columns for field in REQUIRED):
            if not (headerless and all(len(row) == 2 for row in rows)):
                number += len(rows)
                continue
            columns, body_start = {"speaker": 0, "text": 1}, 0
        number += body_start
        for row in rows[body_start:]:
            number += 1
            if not any(row):
                continue
            values = {field: row[index] if index < len(row) else None for field, index in columns.items()}
            turns.append(row_turn(path, values, number, _TABLE_UNIT))
    return Parsed(turns, unit=_TABLE_UNIT) if turns else None


def read(path: Path) -> Parsed:
    document = _open(path)
    tables = _read_tables(path, document, headerless=False)
    if tables is not None:
        return tables
    lines: list[tuple[int, str]] = []
    for number, paragraph in enumerate(document.paragraphs, start=1):
        # A manual line break inside a paragraph splits it like a new line in a text file.
        lines.extend((number, part) for part in paragraph.text.split("\n"))
    if not choose_speakers([line for _, line in lines]):
        tables = _read_tables(path, document, headerless=True)
        if tables is not None:
            return tables
    return parse_prefixed(path, lines, unit="paragraph")


def sniff(head: str) -> bool:
    # A DOCX is a ZIP package whose first entry is normally [Content_Types].xml or a word/ part.
    return head.startswith("PK") and ("[Content_Types].xml" in head[:200] or "word/" in head[:200])


FORMAT = Format(
    name="docx",
    description="Word DOCX: paragraphs with speaker prefixes, or a speaker/text table",
    extensions=(".docx",),
    read=read,
    sniff=sniff,
)
