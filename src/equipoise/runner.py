"""One input, one function: read, limit, label, analyse (and write) for the CLI, batch and the web app.

:func:`run_one` does the work; :func:`failure` turns whatever it raised into what each edge shows, from
one table (:data:`ERRORS`): the CLI's exit code, the web app's HTTP status, and a message that names the
input and never quotes it.

>>> failure(LimitError("a.txt", "the number of turns (9) is over the limit of 5")).http_status
413
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import BusyError, EquipoiseError, InputError, LimitError, RequirementError, UsageError
from .limits import Limits, over

if TYPE_CHECKING:
    from .model import Transcript

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Ran:
    """What one input became: its transcript, its profile (a Profile, or Profile JSON) and the files."""

    transcript: Transcript
    profile: Any
    outputs: tuple[Path, ...] = ()
    profile_bytes: int = 0


@dataclass(frozen=True, slots=True)
class Failure:
    """How an edge reports a failed input."""

    exit_code: int
    http_status: int
    message: str
    kind: str = field(default="error")
    reason: str = ""  # the message without the input's name (for tables that name it in a column)


#: Exception class -> (exit code, HTTP status, what the message starts with). The first match wins, so
#: subclasses come before their bases.
ERRORS: tuple[tuple[type[BaseException], int, int, str], ...] = (
    (LimitError, EXIT_SOME_FAILED, 413, "is too large to analyse"),
    (InputError, EXIT_SOME_FAILED, 422, "could not be read"),
    (UsageError, EXIT_USAGE, 400, "cannot be done as asked"),
    (RequirementError, EXIT_SOME_FAILED, 503, "cannot be analysed here"),
    (BusyError, EXIT_SOME_FAILED, 503, "cannot be analysed now"),
    (EquipoiseError, EXIT_SOME_FAILED, 422, "could not be analysed"),
    (MemoryError, EXIT_SOME_FAILED, 413, "ran out of memory"),
)


class Failed(Exception):
    """A failure already described by :func:`failure`, in another process (the web app's analysis
    process): raised where the work was awaited, it is described the same way again."""

    def __init__(self, described: Failure) -> None:
        super().__init__(described.kind)
        self.described = described


def failure(exc: BaseException, name: str | None = None) -> Failure:
    """The exit code, HTTP status and message for ``exc`` raised while running the input ``name``.

    Library errors carry messages written to be shown (what, where, what to do, no transcript text);
    anything else is named by its type only, since its message could quote the transcript.
    """
    if isinstance(exc, Failed):
        return exc.described
    for kind, exit_code, status, lead in ERRORS:
        if isinstance(exc, kind):
            if isinstance(exc, InputError):
                where = f"{exc.unit} {exc.line}: " if exc.line is not None else ""
                reason = f"{where}{exc.reason}" + (f" ({exc.hint})" if exc.hint else "")
                text = exc.describe()
                if name is not None and exc.path is not None:
                    text = text.replace(exc.path, name, 1)
            elif isinstance(exc, EquipoiseError):
                reason = str(exc)
                text = f"{name}: {reason}" if name else reason
            else:
                reason = f"{lead} (the work for it exceeded the memory available)"
                text = f"{name or 'the input'}: {reason}"
            return Failure(exit_code, status, text, lead, reason)
    reason = f"unexpected {exc.__class__.__name__}; please report this"
    return Failure(EXIT_SOME_FAILED, 500, f"{name}: {reason}" if name else reason, "unexpected", reason)


def profile_json(profile: Any) -> str:
    if hasattr(profile, "to_json"):
        return str(profile.to_json())
    return json.dumps(profile)


def run_one(
    path: Path | str,
    *,
    data: bytes | None = None,
    load_options: Mapping[str, Any] | None = None,
    limits: Limits | None = None,
    analyse: Callable[[Transcript], Any] | None = None,
    labeller: Any = None,
    write: Callable[[Transcript, Any], Sequence[Path]] | None = None,
) -> Ran:
    """Read ``path`` (or ``data``, an upload called ``path``, kept in memory), check it against
    ``limits``, label and analyse it, check the profile's size, then ``write`` it if given.

    ``analyse`` replaces :func:`equipoise.analyse` (the web app stores Profile JSON); every failure is
    an exception for :func:`failure` to describe.
    """
    from .ingest import load, load_bytes

    limits = limits or Limits.from_env()
    options = dict(load_options or {})
    if data is not None:
        transcript = load_bytes(data, str(path), limits=limits, **options)
    else:
        transcript = load(Path(path), limits=limits, **options)
    if analyse is None:
        from .pipeline import analyse as pipeline_analyse

        profile = pipeline_analyse(transcript, labeller=labeller)
    else:
        profile = analyse(transcript)
    size = len(profile_json(profile).encode("utf-8"))
    if size > limits.max_profile_bytes:
        raise over(path, "the size of its profile in bytes", size, limits, "max_profile_bytes")
    outputs = tuple(write(transcript, profile)) if write is not None else ()
    return Ran(transcript, profile, outputs, size)


__all__ = ["ERRORS", "EXIT_OK", "EXIT_SOME_FAILED", "EXIT_USAGE", "Failure", "Ran", "failure", "run_one"]
