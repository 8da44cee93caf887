"""Reports people read, and tables researchers load: one edge of the pipeline, depending only on Profile.

``WRITERS`` maps an output format name to its writer; the CLI (``analyse --format``) and ``batch`` dispatch
through it. Every writer takes the :class:`~equipoise.profile.Profile` (read a profile JSON file with
``Profile.from_json`` first), the transcript when the caller has it (the HTML and PDF reports show its
words; tables never do) and the path of the main output ``<stem>.<extension>``, and returns every path it
wrote.

>>> from equipoise.report import WRITERS
>>> sorted(WRITERS)
['csv', 'html', 'json', 'parquet', 'pdf']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..files import make_private, private_folder
from .texts import AUDIENCES

if TYPE_CHECKING:
    from ..model import Transcript
    from ..profile import Profile

WriteFunction = Callable[["Profile", "Transcript | None", Path, str], list[Path]]


@dataclass(frozen=True, slots=True)
class Writer:
    """An output format: its file extension, what it holds, and the function that writes it."""

    name: str
    extension: str
    description: str
    write: WriteFunction
    course: Callable[[Sequence[Profile], Path, str], Path] | None = None

    def path_for(self, out_dir: Path, stem: str, audience: str = "therapist") -> Path:
        """``OUT/<stem>.<ext>``; the client version of a report is ``<stem>.client.<ext>``."""
        suffix = f".client.{self.extension}" if audience == "client" and self.course else f".{self.extension}"
        return out_dir / f"{stem}{suffix}"


def _write_json(profile: Profile, transcript: Transcript | None, path: Path, audience: str) -> list[Path]:
    from .view import as_profile

    path.write_text(as_profile(profile).to_json(), encoding="utf-8")
    return [path]


def _write_html(profile: Profile, transcript: Transcript | None, path: Path, audience: str) -> list[Path]:
    from .html import write_session

    return [write_session(profile, transcript, path, audience=audience)]


def _write_pdf(profile: Profile, transcript: Transcript | None, path: Path, audience: str) -> list[Path]:
    from .pdf import write_session

    return [write_session(profile, transcript, path, audience=audience)]


def _write_csv(profile: Profile, transcript: Transcript | None, path: Path, audience: str) -> list[Path]:
    from .tables import write_tables

    return write_tables(profile, path, "csv")


def _write_parquet(profile: Profile, transcript: Transcript | None, path: Path, audience: str) -> list[Path]:
    from .tables import write_tables

    return write_tables(profile, path, "parquet")


def _course_html(profiles: Sequence[Profile], path: Path, audience: str) -> Path:
    from .html import write_course
    from .view import as_profile

    # Link each session to its own report when one was written beside the course report.
    links = {}
    for profile in profiles:
        sid = as_profile(profile).transcript_id
        own = WRITERS["html"].path_for(path.parent, sid, audience)
        if own.exists():
            links[sid] = own.name
    return write_course(profiles, path, audience=audience, links=links)


def _course_pdf(profiles: Sequence[Profile], path: Path, audience: str) -> Path:
    from .pdf import write_course

    return write_course(profiles, path, audience=audience)


WRITERS: dict[str, Writer] = {w.name: w for w in (
    Writer("json", "json", "the profile as JSON (DESIGN §3, schema_version 1)", _write_json),
    Writer("html", "html", "a self-contained report to read in a browser, offline", _write_html,
           _course_html),
    Writer("pdf", "pdf", "the same report as PDF (needs the pdf extra)", _write_pdf, _course_pdf),
    Writer("csv", "csv", "tidy tables: per-turn labels (<stem>.csv) and metrics (<stem>.metrics.csv)",
           _write_csv),
    Writer("parquet", "parquet", "the same tables as Parquet (needs the parquet extra)", _write_parquet),
)}


def get_writer(name: str) -> Writer:
    """The writer for an output format; an unknown name lists the valid ones."""
    if name not in WRITERS:
        raise UsageError(f"no output format {name!r}; available formats: {', '.join(WRITERS)}")
    return WRITERS[name]


def write(profile: Profile, transcript: Transcript | None, out_dir: Path, fmt: str, *,
          audience: str = "therapist", stem: str | None = None) -> list[Path]:
    """Write one session in format ``fmt`` into ``out_dir``; returns the paths written.

    ``stem`` defaults to the transcript id of the profile.
    """
    writer = get_writer(fmt)
    if audience not in AUDIENCES:
        raise UsageError(f"no audience {audience!r}; available audiences: {', '.join(AUDIENCES)}")
    if stem is None:
        from .view import as_profile

        stem = as_profile(profile).transcript_id
    private_folder(out_dir)
    written = writer.write(profile, transcript, writer.path_for(out_dir, stem, audience), audience)
    make_private(written)
    return written


def write_course(profiles: Sequence[Profile], out_dir: Path, fmt: str, *, audience: str = "therapist",
                 name: str = "course") -> Path:
    """Write a course report over several sessions (html or pdf) as ``OUT/<name>.<ext>``."""
    writer = get_writer(fmt)
    if writer.course is None:
        courses = ", ".join(w.name for w in WRITERS.values() if w.course)
        raise UsageError(f"a course report can be written as {courses}, not {fmt}")
    private_folder(out_dir)
    written = writer.course(profiles, writer.path_for(out_dir, name, audience), audience)
    make_private([written])
    return written


__all__ = ["WRITERS", "Writer", "get_writer", "write", "write_course"]
