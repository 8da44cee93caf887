"""PDF reports: the HTML report with its charts drawn as SVG, laid out by WeasyPrint.

WeasyPrint (the ``pdf`` extra) is imported only here. It is given a URL fetcher that refuses everything
but inline ``data:`` URLs, so rendering a report never touches the network or the file system.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from .html import render_course, render_session

if TYPE_CHECKING:
    from ..model import Transcript
    from ..profile import Profile


def _weasyprint() -> Any:
    try:
        import weasyprint
    except (ImportError, OSError):  # OSError: the pango system libraries are missing
        raise UsageError("PDF output needs WeasyPrint and the pango libraries: "
                         "pip install 'equipoise[pdf]' (see docs/reports.md)") from None
    return weasyprint


def _offline_fetcher(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    if url.startswith("data:"):
        import weasyprint

        return weasyprint.default_url_fetcher(url, *args, **kwargs)
    raise ValueError("reports load no external resources")


def html_to_pdf(html: str, path: Path) -> Path:
    """Lay out a static HTML report as a PDF at ``path``."""
    weasyprint = _weasyprint()
    weasyprint.HTML(string=html, url_fetcher=_offline_fetcher).write_pdf(path)
    return path


def write_session(profile: Profile, transcript: Transcript | None, path: Path, *,
                  audience: str = "therapist") -> Path:
    """Write one session's report as a PDF."""
    _weasyprint()
    return html_to_pdf(render_session(profile, transcript, audience=audience, static=True), path)


def write_agreement(html: str, path: Path) -> Path:
    """Write a practice agreement rendered with ``static=True`` (:func:`.html.render_agreement`) as a PDF."""
    _weasyprint()
    return html_to_pdf(html, path)


def write_course(profiles: Sequence[Profile], path: Path, *, audience: str = "therapist") -> Path:
    """Write a course report over several sessions as a PDF."""
    _weasyprint()
    return html_to_pdf(render_course(profiles, audience=audience, static=True), path)
