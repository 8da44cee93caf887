"""Files that hold clinical data are private to their owner: folders 0700, files 0600.

The CLI also narrows its umask (see :func:`private_umask`), so files written by libraries it calls
(PDF, Parquet) are born private; :func:`make_private` covers library callers who keep a wider umask.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def private_folder(path: Path) -> Path:
    """Create ``path`` and any missing parents with mode 0700 (existing folders are left alone)."""
    missing = []
    here = path
    while not here.exists():
        missing.append(here)
        if here.parent == here:
            break
        here = here.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_FOLDER)
        except FileExistsError:  # made meanwhile by another process
            pass
        else:
            os.chmod(folder, PRIVATE_FOLDER)  # mkdir's mode is narrowed by the umask, never widened
    if not path.is_dir():
        raise NotADirectoryError(str(path))
    return path


def make_private(paths: Iterable[Path]) -> None:
    """Narrow each written file to mode 0600."""
    for path in paths:
        if path.is_file():
            os.chmod(path, PRIVATE_FILE)


def open_private(path: Path, mode: str, newline: str | None = None) -> IO[str]:
    """Open a text file for writing ("w") or appending ("a"), created 0600 if new (UTF-8)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if mode == "a" else os.O_TRUNC)
    fd = os.open(path, flags, PRIVATE_FILE)
    if os.fstat(fd).st_mode & 0o077:
        os.fchmod(fd, PRIVATE_FILE)
    return open(fd, mode, encoding="utf-8", newline=newline)


@contextmanager
def private_umask() -> Iterator[None]:
    """Within the block, new files are 0600 and new folders 0700 whatever the caller's umask."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)
