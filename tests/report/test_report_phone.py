"""The HTML reports on a 390-pixel phone: no chart runs past the screen (a clipped timeline legend, course
small multiples four abreast) and no label is cut short. Debian's Chromium, skipped when missing."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from equipoise.profile import Profile
from equipoise.report import write, write_course

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
PHONE = 390

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


# Per chart: how far its drawing reaches past the screen's right edge, and its labels cut with an ellipsis.
OVERFLOW = """w => [...document.querySelectorAll('figure.chart')].map(f => {
  const svg = f.querySelector('svg'); const box = svg.getBoundingClientRect();
  const texts = [...svg.querySelectorAll('text')];
  const right = Math.max(box.right, ...texts.map(t => t.getBoundingClientRect().right));
  return [f.id, Math.round(right - w), texts.map(t => t.textContent).filter(t => t.includes('\u2026'))];
})"""


def test_the_reports_charts_fit_a_phone(browser: Any, profile: Profile, transcript: Any,
                                        tmp_path: Path) -> None:
    later = replace(profile, transcript_id="later")
    pages = [write(profile, transcript, tmp_path, "html", audience=audience)[0]
             for audience in ("therapist", "client")]
    pages += [write_course([profile, later], tmp_path, "html", audience=audience)
              for audience in ("therapist", "client")]
    for path in pages:
        page = browser.new_page(viewport={"width": PHONE, "height": 844}, is_mobile=True)
        page.goto(path.as_uri())
        page.wait_for_function("[...document.querySelectorAll('figure.chart')]"
                               ".every(f => f.dataset.rendered === 'true' && f.querySelector('svg'))",
                               timeout=20_000)
        for chart, past, cut in page.evaluate(OVERFLOW, PHONE):
            assert past <= 0, f"{path.name} {chart}: drawn {past}px past a {PHONE}px phone's edge"
            assert cut == [], f"{path.name} {chart}: labels cut short: {cut}"
        page.close()
