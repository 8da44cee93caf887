"""The registry of transcript formats and their detection by extension and content.

Each reader module exposes one :class:`Format`. Built-in readers are listed in ``_BUILTIN`` and loaded
lazily, so ``import equipoise`` never imports python-docx or webvtt.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, UsageError
from .raw import Parsed


@dataclass(frozen=True, slots=True)
class Format:
    """A transcript format: how to recognise it and how to read it.

    ``sniff`` gets the first few kilobytes of the file, decoded leniently, and says whether the content
    looks like this format; it is used when the extension is missing or ambiguous.
    """

    name: str
    description: str
    extensions: tuple[str, ...]
    read: Callable[[Path], Parsed]
    sniff: Callable[[str], bool] | None = None


# Order matters for content sniffing: the most specific formats first, plain text last.
_BUILTIN: dict[str, str] = {
    "convokit": "equipoise.ingest.convokit",
    "docx": "equipoise.ingest.docx",
    "vtt": "equipoise.ingest.vtt",
    "srt": "equipoise.ingest.srt",
    "whisper": "equipoise.ingest.whisper",
    "annomi": "equipoise.ingest.annomi",
    "csv": "equipoise.ingest.table",
    "jsonl": "equipoise.ingest.table",
    "otter": "equipoise.ingest.otter",
    "audio": "equipoise.ingest.audio",
    "plain": "equipoise.ingest.plain",
}

_loaded: dict[str, Format] = {}


def names() -> list[str]:
    """Names of the built-in formats, in detection order."""
    return list(_BUILTIN)


def get(name: str) -> Format:
    """The format called ``name``; an unknown name lists the valid ones."""
    if name not in _BUILTIN:
        raise UsageError(f"no input format {name!r}; available formats: {', '.join(_BUILTIN)}")
    if name not in _loaded:
        module = importlib.import_module(_BUILTIN[name])
        formats = getattr(module, "FORMATS", None) or (module.FORMAT,)
        for fmt in formats:
            _loaded[fmt.name] = fmt
    return _loaded[name]


def all_formats() -> list[Format]:
    """Every built-in format, loading its reader module on first use."""
    return [get(name) for name in _BUILTIN]


def _head(path: Path, size: int = 8192) -> str:
    from .source import read_bytes

    data = read_bytes(path, size)
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="ignore")
    return data.decode("utf-8", errors="replace")


def detect(path: Path) -> Format:
    """Pick a format by extension, confirmed or overridden by the content where they disagree.

    A folder is a ConvoKit corpus. A file goes to the first format, those of its extension first, whose
    ``sniff`` recognises the content; failing that, to the last format of its extension, else plain text.
    """
    from .source import is_dir, is_file

    if is_dir(path):
        return get("convokit")
    if not is_file(path) and not path.exists():  # a FIFO exists without being a file: read_bytes says so
        raise InputError(path, "no such file")
    suffix = path.suffix.lower()
    by_extension = [fmt for fmt in all_formats() if suffix in fmt.extensions]
    head = _head(path)
    # Several formats can share an extension (.csv, .jsonl, .txt): let the content choose among them.
    # Then content that clearly is another format beats a misleading extension (a VTT saved as .txt).
    # Plain text's sniff accepts almost anything with a colon, so it never overrules the others.
    candidates = by_extension + [fmt for fmt in all_formats() if fmt not in by_extension]
    for fmt in candidates:
        if fmt.name != "plain" and fmt.sniff is not None and fmt.sniff(head):
            return fmt
    if by_extension:
        return by_extension[-1]
    return get("plain")
