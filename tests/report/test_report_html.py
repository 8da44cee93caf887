"""The HTML reports: self-contained, escaped, evidence one click from each number, two audiences."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

from equipoise.errors import UsageError
from equipoise.model import Role, Speaker, Transcript, Turn
from equipoise.profile import Profile
from equipoise.report import WRITERS, get_writer, write, write_course
from equipoise.report.html import render_course, render_session
from equipoise.report.texts import metric_basis
from equipoise.report.view import session_view


def _charts(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="equipoise-charts">(.*?)</script>', html, re.S)
    assert found, "the chart specs are missing"
    return json.loads(found.group(1))


def _linked_metrics(profile: Profile) -> list[tuple[str, str, tuple[int, ...]]]:
    """(dimension, metric, turns) of every metric that lists turns of its own, in profile order."""
    return [(key, name, turns) for key, dim in profile.dimensions.items()
            for name, turns in dim.metric_turns.items() if turns and not name.endswith("_other")]


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
    assert {r["key"]: r["lean"] for r in rows} == {k: d.lean for k, d in profile.dimensions.items()
                                                   if d.lean is not None}
    points = sum(lean is not None for window in profile.timeline for lean in window.leans.values())
    assert len(charts["chart-timeline"]["datasets"]["timeline"]) == points > 0   # windows x dimensions
    talk = charts["chart-talk"]["datasets"]["talk"]
    floor = profile.dimensions["floor"].metrics               # the floor's own shares, not a recount
    assert {(r["measure"], r["role"]): r["share"] for r in talk} == {
        (measure, role): floor[f"{prefix}_share_{role}"] for measure, prefix in (("words", "word"),
                                                                               ("turns", "turn"))
        for role in ("therapist", "client")}


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
    for _, _, turns in _linked_metrics(profile):             # each metric with evidence of its own
        assert f'data-turns="{" ".join(map(str, turns))}"' in html


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
    assert html.count("(text not included in this report)") == profile.n_turns
    chips = {chip for turn in session_view(profile).turns for chip in turn.chips}
    assert chips and all(f'<span class="chip">{escape(chip)}</span>' in html for chip in chips)


def with_leans(profile: Profile, lean: float, sid: str | None = None) -> Profile:
    """A copy of ``profile`` (as session ``sid``) whose every measured lean is ``lean``."""
    dims = {k: replace(d, lean=lean) if d.lean is not None else d for k, d in profile.dimensions.items()}
    return replace(profile, dimensions=dims, transcript_id=sid or profile.transcript_id)


def course_sessions(profile: Profile) -> list[Profile]:
    """Four sessions: twice every lever towards the therapist (+0.6), then twice towards the client (-0.8)."""
    early, later = with_leans(profile, 0.6), with_leans(profile, -0.8, "later")
    return [early, early, later, later]


def test_course_report_shows_every_session_and_the_shifts(profile) -> None:
    html = render_course(course_sessions(profile))
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
    assert Profile.from_json((tmp_path / "x.json").read_text()) == profile
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
    html = render_course(course_sessions(profile), audience="client")
    assert "\u201cWho did the talking\u201d leaned more towards you" in html
    assert "there was more working it out together" in html
    # The therapist's vocabulary, and the old word-swapped sentences, stay out of the client's version.
    for jargon in ("The floor moved", "Partnership moved", "toward you", "you holds", "<th>power lean</th>"):
        assert jargon not in html, jargon
    therapist = render_course(course_sessions(profile))
    assert "The floor moved toward the client from session 3 on" in therapist


def test_client_session_report_states_each_direction_below_the_title(profile, transcript) -> None:
    html = render_session(profile, transcript, audience="client")
    directions = re.findall(r'<p class="direction">([^<]+)</p>', html)
    assert len(directions) == sum(1 for d in profile.dimensions.values() if d.lean is not None)
    assert all(d[0].isupper() and d.endswith(".") for d in directions)


def _metric_cells(html: str, dim: str) -> dict[str, str]:
    """The value cell of each metric row of one dimension card, by the row's label."""
    card = re.search(rf'<article class="dim[^"]*" id="dim-{dim}">(.*?)</article>', html, re.S)
    assert card, f"no card for {dim}"
    rows = re.findall(r'<tr><td>([^<]+)</td>\s*<td class="v">(.*?)</td>', card.group(1), re.S)
    return dict(rows)


def _linked(cell: str) -> tuple[list[int], int] | None:
    """(turns linked, count shown) of a value cell, or None when it links nothing."""
    found = re.search(r'data-turns="([\d ]+)".*?<span class="n">(\d+)</span>', cell, re.S)
    return None if found is None else ([int(i) for i in found.group(1).split()], int(found.group(2)))


def _check_metric_rows(html: str, profile: Profile) -> None:
    """Every metric row shows exactly the turns the profile lists for it (no row for a role nobody has)."""
    roles = {turn.role for turn in profile.turns}
    for key, dim in profile.dimensions.items():
        cells = _metric_cells(html, key)
        shown = [m for m in dim.metrics if not m.endswith("_other") or "other" in roles]
        assert len(cells) == len(shown), key
        for metric in shown:
            cell, turns = cells[metric.replace("_", " ")], dim.metric_turns.get(metric)
            if turns is None:           # not listed in metric_turns: no count, and the title says why
                assert "num-all" in cell and _linked(cell) is None, (key, metric)
                assert f'title="{escape(metric_basis(metric))}"' in cell, (key, metric)
            else:
                assert _linked(cell) == ((list(turns), len(turns)) if turns else None), (key, metric)


def test_each_metric_row_links_its_own_turns_and_counts_them(profile, transcript) -> None:
    html = render_session(profile, transcript)
    _check_metric_rows(html, profile)
    for key, dim in profile.dimensions.items():
        if dim.evidence:                                     # the card's lean keeps the dimension's evidence
            lean = re.search(rf'id="dim-{key}">.*?<span class="lean">'
                             r'<a class="num"[^>]*data-turns="([\d ]+)"', html, re.S)
            assert lean and lean.group(1) == " ".join(map(str, sorted(dim.evidence))), key


def test_a_computed_profile_links_different_metrics_to_different_turns() -> None:
    from equipoise.label.labels import Labels, TurnLabels
    from equipoise.pipeline import analyse

    t, c = Speaker("T", Role.THERAPIST), Speaker("C", Role.CLIENT)
    rows = [
        (t, "Did you drink this week?", TurnLabels("question", "closed")),
        (c, "A bit, at my sister's birthday party on Saturday night.", TurnLabels(talk_type="neutral")),
        (t, "You need to stop drinking completely before it ruins your liver.",
         TurnLabels("input", input_type="advice", markers=("directive",))),
        (c, "Why would I stop? Everyone drinks at parties.", TurnLabels(talk_type="sustain")),
        (t, "What would be different for you without it?", TurnLabels("question", "open")),
        (c, "I would sleep better and argue less with my partner.", TurnLabels(talk_type="change")),
    ]
    transcript = Transcript.from_turns("computed", [Turn(i, s, text) for i, (s, text, _) in enumerate(rows)])
    profile = analyse(transcript, labels=Labels(tuple(r[2] for r in rows), "hand", "1"), norms=False)
    html = render_session(profile, transcript)
    agenda = _metric_cells(html, "agenda")
    assert _linked(agenda["questions therapist"]) == ([0, 4], 2)
    assert _linked(agenda["questions client"]) == ([3], 1)
    assert _linked(agenda["closed question share"]) == ([0], 1)
    assert _linked(_metric_cells(html, "directiveness")["advice therapist"]) == ([2], 1)
    _check_metric_rows(html, profile)


def test_client_report_links_metrics_and_explains_the_others(profile, transcript) -> None:
    html = render_session(profile, transcript, audience="client")
    key, name, turns = _linked_metrics(profile)[0]
    assert _linked(_metric_cells(html, key)[name.replace("_", " ")]) == (list(turns), len(turns))
    unlinked = [(k, m) for k, d in profile.dimensions.items() for m in d.metrics
                if m not in d.metric_turns and not m.endswith("_other")]
    for key, name in unlinked:
        cell = _metric_cells(html, key)[name.replace("_", " ")]
        assert f'title="{escape(metric_basis(name, "client"))}"' in cell, (key, name)


def test_link_tooltips_speak_of_moments_to_the_client_and_of_turns_to_the_therapist(profile,
                                                                                      transcript) -> None:
    client = render_session(profile, transcript, audience="client")
    therapist = render_session(profile, transcript)
    assert re.search(r'title="\d+ moments? counted in this number"', client)
    assert not re.search(r'title="\d+ turns? (counted|moved|behind)', client)
    assert re.search(r'title="\d+ turns? counted in this number"', therapist)


def test_each_lean_says_how_far_it_has_matched_careful_readers(profile, transcript) -> None:
    from equipoise.validation import reader_checks

    checks = reader_checks()
    assert checks, "reader_agreement.json is missing: run scripts/build_reader_agreement.py"
    view = session_view(profile, transcript)
    by_key = {d.key: d for d in view.dimensions}
    agenda = checks["agenda"]
    assert f"on {agenda.profile[0]} of {agenda.profile[1]} judgements" in by_key["agenda"].readers
    assert f"on {agenda.readers[0]} of {agenda.readers[1]}" in by_key["agenda"].readers
    assert by_key["accommodation"].readers == ""        # no reader can judge it from a transcript
    power = checks["power"]
    assert f"on {power.profile[0]} of {power.profile[1]} judgements" in view.power_readers
    html = render_session(profile, transcript)
    assert str(escape(by_key["agenda"].readers)) in html
    assert "Overall power lean: checked against careful readers" in html


def test_the_client_reads_the_check_against_readers_in_plain_words(profile, transcript) -> None:
    from equipoise.validation import reader_checks

    agenda = reader_checks()["agenda"]
    view = session_view(profile, transcript, audience="client")
    line = {d.key: d for d in view.dimensions}["agenda"].readers
    assert line.endswith(f"about {round(10 * agenda.profile[0] / agenda.profile[1])} times in 10.")
    assert "judgements" not in line and "validation" not in line
