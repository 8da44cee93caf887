"""The HTML report in a real browser: Debian's Chromium, headless, driven by Playwright.

No browser is downloaded: the test uses the system Chromium and is skipped, with the reason, when it or
Playwright is missing (``.ci/run`` installs Chromium in CI).
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from equipoise.profile import Profile, TimelineWindow
from equipoise.report import write, write_course
from equipoise.report.texts import DIMENSIONS, humanise, metric_basis

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (test extra)")
if not Path(CHROMIUM).is_file():
    pytest.skip("Debian chromium is not installed (apt-get install chromium); no browser is downloaded",
                allow_module_level=True)


@pytest.fixture(scope="module")
def browser() -> Any:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def _open(browser: Any, path: Path) -> tuple[Any, list[str], list[str]]:
    """Open a report offline; collect console errors, page errors and any request leaving the file."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    outside: list[str] = []
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
            if msg.type in ("error", "warning") else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))

    def refuse(route: Any) -> None:
        if not route.request.url.startswith(("file:", "data:")):
            outside.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", refuse)
    page.goto(path.as_uri())
    page.wait_for_function("[...document.querySelectorAll('figure.chart')]"
                           ".every(f => f.dataset.rendered === 'true' && f.querySelector('svg'))",
                           timeout=20_000)
    return page, problems, outside


def test_session_report_opens_with_its_charts_and_no_errors(browser, profile, transcript, tmp_path) -> None:
    [path] = write(profile, transcript, tmp_path, "html")
    page, problems, outside = _open(browser, path)
    charts = page.eval_on_selector_all("figure.chart", "els => els.map(e => e.id)")
    assert sorted(charts) == ["chart-dimensions", "chart-talk", "chart-timeline"]
    # The dimension chart draws one point per dimension with a lean.
    points = page.locator("#chart-dimensions svg path[role='graphics-symbol'], "
                          "#chart-dimensions svg .mark-symbol path").count()
    assert points >= sum(d.lean is not None for d in profile.dimensions.values())
    assert problems == [] and outside == []
    page.close()


# Resolves once the page has not scrolled for ten frames: the report scrolls smoothly to the turns it
# highlights, and a click while it moves can land outside the viewport.
SETTLED = """() => new Promise(done => { let last = null, still = 0;
  const tick = () => { still = window.scrollY === last ? still + 1 : 0; last = window.scrollY;
                       if (still >= 10) { done(true); } else { requestAnimationFrame(tick); } };
  tick(); })"""


def _several_turns(profile: Profile) -> tuple[str, str, tuple[int, ...]]:
    """(dimension, metric, turns) of the first metric that lists two turns or more of its own."""
    return next((key, name, turns) for key, dim in profile.dimensions.items()
                for name, turns in dim.metric_turns.items() if len(turns) >= 2)


def _ids(turns: tuple[int, ...]) -> list[str]:
    return [f"turn-{i}" for i in turns]


def test_clicking_a_number_highlights_its_turns(browser, profile, transcript, tmp_path) -> None:
    key, _, turns = _several_turns(profile)
    [path] = write(profile, transcript, tmp_path, "html")
    page, problems, _ = _open(browser, path)
    page.click(f'#dim-{key} a.num[data-turns="{" ".join(map(str, turns))}"]')
    assert page.eval_on_selector_all(".turn.evidence", "els => els.map(e => e.id)") == _ids(turns)
    assert page.locator("#evidence-bar").is_visible()
    assert f"turn {turns[0]} (1 of {len(turns)})" in page.inner_text("#evidence-bar")
    page.click("#evidence-bar .next")
    assert page.get_attribute(f"#turn-{turns[1]}", "class").split().count("current") == 1
    page.keyboard.press("Escape")
    assert page.locator(".turn.evidence").count() == 0
    assert problems == []
    page.close()


def _row(page: Any, key: str, metric: str) -> Any:
    """The row of one metric in its dimension's card (matched on the whole label)."""
    card = page.locator(f"#dim-{key} table.metrics")
    return card.locator("tr", has=page.get_by_text(humanise(metric), exact=True))


def test_each_metric_highlights_its_own_turns(browser, profile, transcript, tmp_path) -> None:
    # The dimension with the most metrics that list turns of their own.
    key = max(profile.dimensions, key=lambda k: sum(map(bool, profile.dimensions[k].metric_turns.values())))
    dim = profile.dimensions[key]
    [path] = write(profile, transcript, tmp_path, "html")
    page, problems, _ = _open(browser, path)
    linked = [(name, turns) for name, turns in dim.metric_turns.items() if turns][:3]
    highlighted = []
    for name, _ in linked:
        _row(page, key, name).locator("a.num").click()
        highlighted.append(page.eval_on_selector_all(".turn.evidence", "els => els.map(e => e.id)"))
    assert highlighted == [_ids(turns) for _, turns in linked]
    assert DIMENSIONS[key].title.lower() in page.inner_text("#evidence-bar").lower()
    # A measure from every turn is not a link; hovering it says why.
    for name in (m for m in dim.metrics if m not in dim.metric_turns and not m.endswith("_other")):
        every = _row(page, key, name).locator(".num-all")
        assert every.count() == 1 and every.get_attribute("title") == metric_basis(name)
    assert problems == []
    page.close()


def test_clicking_chart_points_leads_to_the_transcript(browser, profile, transcript, tmp_path) -> None:
    [path] = write(profile, transcript, tmp_path, "html")
    page, problems, _ = _open(browser, path)
    # The first point of the dimension chart is Floor: its evidence is highlighted.
    page.locator("#chart-dimensions svg .mark-symbol path").first.click(force=True)
    assert page.eval_on_selector_all(".turn.evidence", "els => els.map(e => e.id)") == \
        _ids(tuple(sorted(profile.dimensions["floor"].evidence)))
    assert page.get_attribute("#dim-floor", "class").split()[-1] == "active"
    # A point of the timeline jumps to the turn at the centre of its window.
    page.evaluate(SETTLED)
    page.locator("#chart-timeline svg .mark-symbol path").first.click(force=True)
    assert page.locator(".turn.current").count() == 1
    assert problems == []
    page.close()


def test_a_timeline_point_highlights_every_turn_of_its_window(browser, profile, transcript, tmp_path) -> None:
    # Two windows of the floor alone, so that the first point drawn is the first window's.
    windows = (TimelineWindow(2, 8, None, None, {"floor": 0.2}, 0.2, 0.9),
               TimelineWindow(6, 12, None, None, {"floor": -0.1}, -0.1, 0.9))
    [path] = write(replace(profile, timeline=windows), transcript, tmp_path, "html")
    page, problems, _ = _open(browser, path)
    page.locator("#chart-timeline svg .mark-symbol path").first.click(force=True)
    assert page.eval_on_selector_all(".turn.evidence", "els => els.map(e => e.id)") == \
        [f"turn-{i}" for i in range(2, 9)]
    assert "turns 2\u20138" in page.inner_text("#evidence-bar")
    assert problems == []
    page.close()


def test_client_and_course_reports_open_cleanly(browser, profile, transcript, tmp_path) -> None:
    [client] = write(profile, transcript, tmp_path, "html", audience="client")
    course = write_course([profile, profile], tmp_path, "html")
    for path in (client, course):
        page, problems, outside = _open(browser, path)
        assert problems == [] and outside == []
        page.close()


def test_nothing_is_cut_short_or_hidden_at_desktop_width(browser, profile, transcript, tmp_path) -> None:
    later = replace(profile, transcript_id="later")
    pages = [write(profile, transcript, tmp_path, "html", audience=audience)[0]
             for audience in ("therapist", "client")]
    pages += [write_course([profile, later], tmp_path, "html", audience=audience)
              for audience in ("therapist", "client")]
    for path in pages:
        page, problems, _ = _open(browser, path)
        # Vega shortens a label that does not fit with an ellipsis; every name must be readable whole.
        cut = page.eval_on_selector_all(
            "figure.chart svg text", "els => els.map(e => e.textContent).filter(t => t.includes('\u2026'))")
        assert cut == [], f"{path.name}: labels cut short: {cut}"
        # The sessions table of a course fits the page: a hidden scroll area hides its last columns.
        hidden = page.eval_on_selector_all(".scroll", "els => els.filter(e => e.scrollWidth > e.clientWidth)"
                                           ".length")
        assert hidden == 0, f"{path.name}: a table is wider than the page"
        assert problems == []
        page.close()
