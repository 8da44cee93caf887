"""The course PDF keeps its session table inside the page: a page cannot scroll, so nothing may run past
its right edge (measured on WeasyPrint's layout of the therapist's and the client's course report)."""

from __future__ import annotations

import pytest

try:
    import weasyprint
except (ImportError, OSError):  # OSError: the pango system libraries are missing
    pytest.skip("WeasyPrint (the pdf extra) or the pango libraries are not installed",
                allow_module_level=True)

from equipoise.profile import Profile
from equipoise.report.html import render_course
from equipoise.report.pdf import _offline_fetcher


@pytest.mark.parametrize("audience", ["therapist", "client"])
def test_the_course_pdfs_session_table_fits_the_page(profile: Profile, audience: str) -> None:
    html = render_course([profile, profile, profile], audience=audience, static=True)
    document = weasyprint.HTML(string=html, url_fetcher=_offline_fetcher).render()
    checked = 0
    for page in document.pages:
        box = page._page_box  # WeasyPrint's layout tree: the only place where widths are known
        right = box.margin_width() - box.margin_right + 0.5
        tables = [b for b in box.descendants() if getattr(b, "element_tag", None) == "table"
                  and "sessions" in (b.element.get("class") or "")]
        for table in tables:
            for child in (table, *table.descendants()):
                if getattr(child, "element_tag", None) not in ("table", "th", "td"):
                    continue
                checked += 1
                edge = child.position_x + child.margin_width()
                assert edge <= right, f"a {child.element_tag} of the session table ends at {edge:.0f}pt, " \
                                      f"past the page's {right:.0f}pt"
    assert checked > 10
