"""Every dimension, metric and series name the reports read is one the pipeline emits.

The reports show what a profile lists, but a few names they read on purpose (the floor's shares for the
talk-share chart, the words that say what a metric comes from, the summary series of a course). When an
analyser renames a metric, this test fails instead of a report quietly showing nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

import equipoise
from equipoise.course import build_course
from equipoise.report import texts, view
from equipoise.web import perception

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SOURCES = Path(equipoise.__file__).resolve().parent
#: Where a report or page could name a dimension, metric or series: its templates and the Python that
#: builds what they show.
READERS = [*sorted((SOURCES / "report").glob("*.py")), *sorted((SOURCES / "report" / "templates").iterdir()),
           SOURCES / "web" / "perception.py", SOURCES / "web" / "views.py",
           *sorted((SOURCES / "web" / "templates").glob("*.html"))]
# A name read on purpose: compared with a key, or looked up among dimensions, metrics or norms.
NAMED = re.compile(r"""(?:\b(?:key|series|dimension)\s*==\s*|\b(?:dimensions|metrics|norms|metric_turns)"""
                   r"""(?:\.get\(|\[))["']([a-z_]+)["']""")


@pytest.fixture(scope="module")
def emitted(analysed: Callable[[Path], tuple]) -> dict[str, set[str]]:
    """Each dimension the pipeline emits with its metrics, and ``course`` with the course's series.

    From the report sample, a session with timestamps (speaking time, overlaps) and a directive one.
    """
    sample = Path(__file__).resolve().parent / "fixtures" / "sample.txt"
    profiles = [analysed(path)[1] for path in (sample, EXAMPLES / "overlap_teams.vtt",
                                                EXAMPLES / "directive.txt")]
    names: dict[str, set[str]] = {}
    for profile in profiles:
        for key, dim in profile.dimensions.items():
            names.setdefault(key, set()).update(dim.metrics, ["lean"] if dim.norms.get("lean") else [])
    names["course"] = set(build_course(profiles).trajectories)
    return names


def _metrics(emitted: Mapping[str, set[str]]) -> set[str]:
    return {m for key, found in emitted.items() if key != "course" for m in found}


def test_the_dimensions_the_reports_name_are_emitted(emitted) -> None:
    dimensions = set(emitted) - {"course"}
    assert set(texts.DIMENSIONS) <= dimensions
    assert {item.dimension for item in perception.ITEMS} <= dimensions
    assert "partnership" in dimensions            # the client's course sentences name it


def test_the_metrics_the_reports_read_are_emitted(emitted) -> None:
    floor, metrics = emitted["floor"], _metrics(emitted)
    assert view.FLOOR_WORD_SHARE in floor
    for _, prefix in view.TALK_SHARE_PREFIXES:
        assert any(m.startswith(prefix) for m in floor), prefix
    assert metrics >= texts.COMBINED_METRICS
    for prefix in (*texts.ESTIMATE_PREFIXES, *texts.SESSION_SHARE_PREFIXES):
        assert any(m.startswith(prefix) for m in metrics), prefix
    for word in (texts.REPLY_MEAN_WORD, *view.FRACTION_WORDS):
        assert any(word in m for m in metrics), word


def test_the_course_series_the_reports_name_are_emitted(emitted) -> None:
    assert set(texts.CLIENT_SUMMARY_TITLES) <= emitted["course"]


def test_every_name_a_report_or_page_reads_on_purpose_is_emitted(emitted) -> None:
    known = set(emitted) | _metrics(emitted) | emitted["course"]
    found = {(path.name, name) for path in READERS for name in NAMED.findall(path.read_text("utf-8"))}
    assert found, "the pattern finds nothing: has the code been rewritten?"
    unknown = sorted((file, name) for file, name in found if name not in known)
    assert unknown == [], f"names the pipeline never emits: {unknown}"
