"""The PDF report: WeasyPrint lays out the static HTML (charts as SVG) into pages with text."""

from __future__ import annotations

from pathlib import Path

import pytest

from equipoise.report import write, write_course

try:
    import weasyprint  # noqa: F401
except (ImportError, OSError):  # OSError: the pango system libraries are missing
    pytest.skip("WeasyPrint (the pdf extra) or the pango libraries are not installed",
                allow_module_level=True)
pypdf = pytest.importorskip("pypdf", reason="pypdf (a test dependency) is not installed")


def _text(path: Path) -> tuple[int, str]:
    reader = pypdf.PdfReader(path)
    return len(reader.pages), " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_session_pdf_has_pages_with_the_report_text(profile, transcript, tmp_path: Path) -> None:
    [path] = write(profile, transcript, tmp_path, "pdf")
    pages, text = _text(path)
    assert pages >= 2
    for words in ("Power profile", "Directiveness", "What it cannot know", "football with my son"):
        assert words in text
    assert "Click a point" not in text                    # no instructions for a page that cannot click


def test_course_pdf_renders(profile, tmp_path: Path) -> None:
    path = write_course([profile, profile], tmp_path, "pdf", audience="client")
    assert path.name == "course.client.pdf"
    pages, text = _text(path)
    assert pages >= 1 and "Your sessions over time" in text
