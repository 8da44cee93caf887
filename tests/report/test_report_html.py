"""The HTML reports: self-contained, escaped, evidence one click from each number, two audiences."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from equipoise.errors import UsageError
from equipoise.model import Role, Speaker, Transcript, Turn
from equipoise.report import WRITERS, get_writer, write, write_course
from equipoise.report.html import render_course, render_session


def _charts(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="equipoise-charts">(.*?)</script>', html, re.S)
    assert found, "the chart specs are missing"
    return json.loads(found.group(1))


def test_session_report_needs_nothing_from_the_network(profile, transcript) -> None:
    html = render_session(profile, transcript)
    markup = re.sub(r"<script>.*?</script>", "<script></script>", html, flags=re.S)  # code, not markup
    assert not re.search(r'<(script|img|iframe)[^>]+src=|<link[^>]+href=', markup)
    assert "window.vegaEmbed" in html                     # the library itself is inside the file
    assert "default-src 'none'" in html                   # and the page may not fetch anything


def test_session_report_has_its_three_charts_as_vega_lite(profile, transcript) -> None:
    charts = _charts(render_session(profile, transcript))
    assert set(charts) == {"chart-dimensions", "chart-timeline", "chart-talk"}
    assert all("vega-lite" in spec["$schema"] for spec in charts.values())
    rows = charts["chart-dimensions"]["datasets"]["dimensions"]
    assert {r["key"]: r["lean"] for r in rows} == {k: d["lean"] for k, d in profile["dimensions"].items()
                                                   if d["lean"] is not None}
    assert len(charts["chart-timeline"]["datasets"]["timeline"]) == 6 * 5   # windows x dimensions


def test_chart_specs_are_valid_vega_lite(profile, transcript) -> None:
    alt = pytest.importorskip("altair")
    specs = {**_charts(render_session(profile, transcript, audience="client")),
             **_charts(render_course([profile, profile]))}
    assert len(specs) == 5
    for spec in specs.values():
        alt.Root.from_dict(spec, validate=True)           # raises on anything outside the schema


def test_every_number_links_to_the_turns_behind_it(profile, transcript) -> None:
    html = render_session(profile, transcript)
    links = re.findall(r'<a class="num" href="#turn-(\d+)" data-turns="([\d ]+)"', html)
    assert links, "no evidence links"
    for first, turns in links:
        assert first == turns.split()[0]
        for index in turns.split():
            assert f'id="turn-{index}"' in html
    assert 'data-turns="11 13 15"' in html                # a metric with evidence of its own


def test_transcript_text_is_escaped(profile) -> None:
    speakers = [Speaker("Therapist", Role.THERAPIST), Speaker("Client", Role.CLIENT)]
    turns = [Turn(i, speakers[i % 2], f"turn {i}") for i in range(16)]
    turns[3] = Turn(3, speakers[1], "</script><script>alert('x')</script>")
    html = render_session(profile, Transcript.from_turns("sample", turns))
    assert "<script>alert" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert" in html


def test_client_version_speaks_to_the_client(profile, transcript) -> None:
    html = render_session(profile, transcript, audience="client")
    assert "How the conversation went" in html and "It is not a score" in html
    assert "Who did the talking" in html and "your therapist" in html
    assert "Power profile" not in html


def test_unknown_audience_lists_the_valid_ones(profile) -> None:
    with pytest.raises(UsageError, match="therapist, client"):
        render_session(profile, audience="supervisor")


def test_report_without_transcript_still_shows_labels(profile) -> None:
    html = render_session(profile)
    assert html.count("(text not included in this report)") == len(profile["turns"])
    assert "complex reflection" in html


def test_course_report_shows_every_session_and_the_shifts(profile) -> None:
    later = json.loads(json.dumps(profile))
    later["transcript"]["id"] = "later"
    for dim in later["dimensions"].values():
        if dim["lean"] is not None:
            dim["lean"] = -0.8
    html = render_course([profile, profile, later, later])
    charts = _charts(html)
    assert set(charts) == {"chart-course-summary", "chart-course"}
    assert ">later<" in html and "sample (2)" in html
    assert "toward the client from session 3 on" in html


def test_writers_cover_every_output_format() -> None:
    assert set(WRITERS) == {"json", "html", "pdf", "csv", "parquet"}
    with pytest.raises(UsageError, match="available formats: json, html"):
        get_writer("docx")


def test_write_names_files_by_stem_and_audience(profile, transcript, tmp_path: Path) -> None:
    assert write(profile, transcript, tmp_path, "html") == [tmp_path / "sample.html"]
    client = write(profile, transcript, tmp_path, "html", audience="client")
    assert client == [tmp_path / "sample.client.html"]
    assert write(profile, None, tmp_path, "json", stem="x") == [tmp_path / "x.json"]
    assert json.loads((tmp_path / "x.json").read_text()) == profile
    course = write_course([profile], tmp_path, "html")
    assert 'href="sample.html"' in course.read_text()     # links to the session's own report
    with pytest.raises(UsageError, match="html, pdf"):
        write_course([profile], tmp_path, "csv")


def test_cli_analyse_writes_both_audiences_and_a_course(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from equipoise.cli import main

    examples = Path(__file__).resolve().parents[2] / "examples" / "course"
    files = [str(examples / "session1.txt"), str(examples / "session2.txt")]
    runner = CliRunner()
    for audience in ("therapist", "client"):
        result = runner.invoke(main, ["analyse", *files, "--course", "--format", "html",
                                      "--audience", audience, "--out", str(tmp_path)])
        assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert {"session1.html", "session1.client.html", "course.html", "course.client.html"} <= set(names)
    assert 'href="session2.client.html"' in (tmp_path / "course.client.html").read_text()


def test_client_course_report_speaks_in_the_clients_words(profile) -> None:
    later = json.loads(json.dumps(profile))
    later["transcript"]["id"] = "later"
    for dim in later["dimensions"].values():
        if dim["lean"] is not None:
            dim["lean"] = -0.8
    html = render_course([profile, profile, later, later], audience="client")
    assert "\u201cWho did the talking\u201d leaned more towards you" in html
    assert "there was more working it out together" in html
    # The therapist's vocabulary, and the old word-swapped sentences, stay out of the client's version.
    for jargon in ("The floor moved", "Partnership moved", "toward you", "you holds", "<th>power lean</th>"):
        assert jargon not in html, jargon
    therapist = render_course([profile, profile, later, later])
    assert "The floor moved toward the client from session 3 on" in therapist


def test_client_session_report_states_each_direction_below_the_title(profile, transcript) -> None:
    html = render_session(profile, transcript, audience="client")
    directions = re.findall(r'<p class="direction">([^<]+)</p>', html)
    assert len(directions) == sum(1 for d in profile["dimensions"].values() if d.get("lean") is not None)
    assert all(d[0].isupper() and d.endswith(".") for d in directions)
