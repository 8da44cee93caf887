"""Reading bytes from disk safely: a size limit, encoding detection, binary detection.

Every reader goes through here, so the rules for bad input live in one place.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError

#: Largest transcript file read, in bytes. A 60-minute session is about 60 kB of text, so this is
#: generous; it keeps memory bounded when someone points Equipoise at a video or a database dump.
#: Override with the environment variable ``EQUIPOISE_MAX_INPUT_MB``.
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

_FALLBACK_ENCODINGS = ("utf-8", "cp1252")


def max_input_bytes() -> int:
    raw = os.environ.get("EQUIPOISE_MAX_INPUT_MB")
    if not raw:
        return DEFAULT_MAX_BYTES
    try:
        return int(float(raw) * 1024 * 1024)
    except ValueError:
        raise InputError(None, f"EQUIPOISE_MAX_INPUT_MB must be a number of megabytes, not {raw!r}") from None


@dataclass(frozen=True, slots=True)
class TextSource:
    """A decoded text file and what was assumed to decode it."""

    path: Path
    text: str
    encoding: str
    notices: tuple[str, ...] = field(default=())

    def lines(self) -> list[str]:
        return self.text.splitlines()


_IN_MEMORY: ContextVar[dict[str, bytes] | None] = ContextVar("equipoise_in_memory", default=None)


@contextmanager
def in_memory(path: Path, data: bytes) -> Iterator[None]:
    """Let the readers read ``data`` as if it were the file ``path`` (an upload: nothing touches disk)."""
    token = _IN_MEMORY.set({str(path): data})
    try:
        yield
    finally:
        _IN_MEMORY.reset(token)


def memory_data(path: Path) -> bytes | None:
    """The bytes of ``path`` while reading from memory (an upload), or None when reading from disk."""
    files = _IN_MEMORY.get()
    if files is None:
        return None
    if str(path) not in files:
        raise InputError(path, "no such file")
    return files[str(path)]


def is_file(path: Path) -> bool:
    """Whether ``path`` is a file; while reading from memory only the in-memory files exist (an upload
    must never pick up a file from the server's disk, such as a ``speakers.json`` beside it)."""
    files = _IN_MEMORY.get()
    return str(path) in files if files is not None else path.is_file()


def is_dir(path: Path) -> bool:
    """Whether ``path`` is a folder; never while reading from memory."""
    return False if _IN_MEMORY.get() is not None else path.is_dir()


def read_bytes(path: Path, size: int | None = None) -> bytes:
    """Read a whole file (or its first ``size`` bytes), refusing empty files, folders, files that are
    not regular files (a FIFO would block forever, a device never ends) and files over the size limit."""
    limit = max_input_bytes()
    files = _IN_MEMORY.get()
    if files is not None:
        if str(path) not in files:
            raise InputError(path, "no such file")
        data = files[str(path)]
    else:
        data = _read_regular(path, limit, size)
    if size is not None:
        return data[:size]
    if not data:
        raise InputError(path, "the file is empty")
    if len(data) > limit:
        raise InputError(
            path,
            f"the file is {len(data) / 1e6:.0f} MB, over the {limit / 1e6:.0f} MB limit for one transcript",
            hint="split it into sessions, or raise EQUIPOISE_MAX_INPUT_MB",
        )
    return data


def _read_regular(path: Path, limit: int, size: int | None) -> bytes:
    if not path.exists():
        raise InputError(path, "no such file")
    if path.is_dir():
        raise InputError(path, "is a folder, not a transcript file",
                         hint="only a ConvoKit corpus can be read from a folder")
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; the type is checked on what was opened.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InputError(path, f"cannot be read: {exc.strerror or exc.__class__.__name__}") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError(path, "is not a regular file (a pipe, device or socket), so it was not read",
                             hint="copy the transcript into an ordinary file")
        try:
            # One byte past the limit is enough to know it is too large, whatever stat said.
            return handle.read(limit + 1 if size is None else size)
        except OSError as exc:
            raise InputError(path, f"cannot be read: {exc.strerror or exc.__class__.__name__}") from None


def decode(path: Path, data: bytes) -> TextSource:
    """Decode bytes as text: UTF-8 (with or without BOM), UTF-16 (BOM or NUL pattern), then cp1252.

    Anything that still looks binary (NUL bytes, many control characters) is refused.
    """
    notices: list[str] = []
    text: str | None = None
    encoding = ""
    if data.startswith(b"\xef\xbb\xbf"):
        text, encoding = _try(data[3:], "utf-8"), "utf-8-sig"
        if text is not None:
            notices.append(f"{path.name}: read as UTF-8 (it starts with a byte-order mark)")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = _try(data, "utf-16"), "utf-16"
        if text is not None:
            notices.append(f"{path.name}: read as UTF-16 (it starts with a byte-order mark)")
    elif _looks_utf16(data):
        encoding = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
        text = _try(data, encoding)
        if text is not None:
            notices.append(f"{path.name}: no byte-order mark; read as {encoding.upper()}")
    if text is None:
        if b"\x00" in data:
            raise InputError(path, "looks like a binary file, not a text transcript",
                             hint="export the transcript as text, VTT, SRT, CSV, JSON or DOCX")
        for candidate in _FALLBACK_ENCODINGS:
            text = _try(data, candidate)
            if text is not None:
                encoding = candidate
                break
        if text is None:
            line = data[: _first_undecodable(data)].count(b"\n") + 1
            raise InputError(path, "is neither UTF-8, UTF-16 nor Windows-1252 text", line=line,
                             hint="save it as UTF-8")
        if encoding != "utf-8":
            notices.append(f"{path.name}: not valid UTF-8; assumed Windows-1252 (cp1252)")
    if _mostly_control(text):
        raise InputError(path, "looks like a binary file, not a text transcript",
                         hint="export the transcript as text, VTT, SRT, CSV, JSON or DOCX")
    if not text.strip():
        raise InputError(path, "the file holds only white space")
    return TextSource(path, text, encoding, tuple(notices))


def read_text(path: Path) -> TextSource:
    """Read and decode a text transcript (see :func:`decode`), refusing one with too many lines before
    any reader parses it."""
    from ..limits import Limits, over

    source = decode(path, read_bytes(path))
    limits = Limits.from_env()
    lines = source.text.count("\n") + 1
    if lines > limits.max_lines:
        raise over(path, "the number of lines", lines, limits, "max_lines")
    return source


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _looks_utf16(data: bytes) -> bool:
    sample = data[:4096]
    if len(sample) < 4:
        return False
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) / 2
    return max(even_nuls, odd_nuls) > 0.4 * half and min(even_nuls, odd_nuls) < 0.05 * half


def _first_undecodable(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return 0


def _mostly_control(text: str) -> bool:
    sample = text[:8192]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return bad > max(8, len(sample) // 100)
