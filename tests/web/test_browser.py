"""Browser tests: Playwright driving Debian's chromium headless against the app served on 127.0.0.1.

Screenshots go to a temporary folder, or to $EQUIPOISE_SCREENSHOTS when set (to look at them).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import EXAMPLES, PASSWORD, Practice, make_app, seed_practice

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it); browser tests skipped")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists()
                                              else shutil.which("chromium"), headless=True, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Practice]]:
    import uvicorn

    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('browser') / 'browser.db'}")
    practice = seed_practice(app)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert uv.started, "the app did not start"
    yield f"http://127.0.0.1:{port}", practice
    uv.should_exit = True
    thread.join(10)
    app.state.engine.dispose()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("EQUIPOISE_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def sign_in(page: Any, base: str, who: str) -> None:
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login")
    page.fill("input[name=email]", f"{who}@test.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
DESK = {"viewport": {"width": 1280, "height": 900}}


def signed_in(browser: Any, base: str, who: str, device: dict[str, Any]) -> tuple[Any, Any]:
    """A new browser context on ``device`` (PHONE or DESK) with a page signed in as ``who``."""
    context = browser.new_context(**device)
    page = context.new_page()
    sign_in(page, base, who)
    return context, page


def fill_upload_form(browser: Any, base: str, title: str, file: Path, shot: Path) -> tuple[Any, Any]:
    """As therapist_a, open the form to add a session for client A and fill it in (not yet sent)."""
    context, page = signed_in(browser, base, "therapist_a", DESK)
    page.click("text=My clients")
    page.click("text=Secret Name A")
    page.click("text=Add a session")
    page.fill("input[name=title]", title)
    page.set_input_files("input[name=file]", str(file))
    page.screenshot(path=str(shot), full_page=True)
    return context, page


def test_therapist_uploads_a_session_and_opens_its_report(browser: Any, server: tuple[str, Practice],
                                                          shots: Path) -> None:
    context, page = fill_upload_form(browser, server[0], "Week four", EXAMPLES / "course" / "session4.txt",
                                     shots / "upload.png")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Week four"
    # Blinded until the reflection: the therapist chooses to look first, on record.
    assert "write your reflection" in page.locator("form.blind p.notice").inner_text()
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("form.blind button[type=submit]")
    frame = page.frame_locator("iframe.report")
    # The report is drawn when the frame loads: on a busy machine that takes a while.
    frame.locator("body").wait_for(timeout=60_000)
    assert "Floor" in frame.locator("body").inner_text()
    page.screenshot(path=str(shots / "session.png"), full_page=True)
    with context.expect_page() as opened:  # target=_blank opens a new page
        page.click("text=Open the report on its own page")
    report = opened.value
    report.wait_for_load_state()
    assert "Floor" in report.locator("body").inner_text()
    report.screenshot(path=str(shots / "report.png"))
    context.close()


def test_therapist_uploads_a_recording_and_reads_its_floor_in_seconds(
        browser: Any, server: tuple[str, Practice], shots: Path, tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "audio"))
    from synth import CHECK_IN, synthesise, tools_missing

    why = tools_missing()
    if why:
        pytest.skip(why)
    os.environ["HF_HUB_OFFLINE"] = "1"
    recording = synthesise(CHECK_IN, tmp_path / "week five.wav").path
    context, page = fill_upload_form(browser, server[0], "Week five, recorded", recording,
                                     shots / "upload-recording.png")
    page.set_default_timeout(120_000)  # the recording is transcribed while the request waits
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("main button[type=submit]")
    page.set_default_timeout(15_000)
    assert page.locator("h1").inner_text() == "Week five, recorded"
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("form.blind button[type=submit]")
    frame = page.frame_locator("iframe.report")
    frame.locator("body").wait_for(timeout=60_000)
    text = frame.locator("body").inner_text()
    assert "Floor" in text and "Talk over time" in text
    frame.locator("#chart-talk-strip svg, #chart-talk-strip canvas").first.wait_for(timeout=30_000)
    page.screenshot(path=str(shots / "session-recording.png"), full_page=True)
    context.close()


def test_client_completes_a_check_in_on_a_phone(browser: Any, server: tuple[str, Practice],
                                                shots: Path) -> None:
    base, practice = server
    context, page = signed_in(browser, base, "client_a", PHONE)
    page.goto(f"{base}/me")
    page.screenshot(path=str(shots / "client-home.png"), full_page=True)
    page.goto(f"{base}/sessions/{practice.ids['session_a2']}/check-in")
    for name, value in (("heard", "4"), ("say", "3"), ("disagree", "5"), ("matters", "4")):
        page.check(f"input[name={name}][value='{value}']")
    page.check("input[name=who_held][value=shifted]")
    page.fill("textarea[name=comment]", "Better than last time.")
    page.screenshot(path=str(shots / "check-in.png"), full_page=True)
    # Phone-sized: nothing runs off the side of the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "Thank you" in page.locator("h1").inner_text()
    page.screenshot(path=str(shots / "check-in-done.png"), full_page=True)
    page.goto(f"{base}/me")
    assert "it shifted back and forth" in page.locator("main").inner_text()
    context.close()


def test_perceived_vs_measured_shows_both_voices(browser: Any, server: tuple[str, Practice],
                                                 shots: Path) -> None:
    base, practice = server
    context, page = signed_in(browser, base, "therapist_a", DESK)
    page.goto(f"{base}/sessions/{practice.ids['session_a1']}/compare")
    client_cells = page.locator("td.voice-client").all_inner_texts()
    therapist_cells = page.locator("td.voice-therapist").all_inner_texts()
    assert "1 · not at all" in client_cells and "4 · mostly" in therapist_cells
    assert "the therapist" in client_cells and "we held it more or less equally" in therapist_cells
    gaps = page.locator("ul.gaps").inner_text()
    assert "your estimate was 3 points higher" in gaps
    page.screenshot(path=str(shots / "compare.png"), full_page=True)
    page.goto(f"{base}/clients/{practice.ids['record_a']}/course")
    # Who held the power; the four items (each also drawn for phones, hidden here).
    assert page.locator(".chart-wide figure.chart svg").count() == 2
    assert all(page.locator(".chart-wide svg").nth(i).is_visible() for i in range(2))
    assert not page.locator(".chart-narrow svg").first.is_visible()
    page.frame_locator("iframe.report").locator("h1").wait_for()
    page.locator("iframe.report").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.locator("iframe.report").screenshot(path=str(shots / "course-report.png"))
    page.screenshot(path=str(shots / "course.png"), full_page=True)
    page.goto(f"{base}/clients")
    page.screenshot(path=str(shots / "caseload.png"), full_page=True)
    context.close()


def test_client_describes_themself_on_a_phone_and_chooses_who_reads_it(
        browser: Any, server: tuple[str, Practice], shots: Path) -> None:
    base, practice = server
    context, page = signed_in(browser, base, "client_a", PHONE)
    page.goto(f"{base}/me")
    page.click("main a[href='/me/context']")
    page.wait_for_load_state()
    page.check("input[name=age_range][value='25_34']")
    page.check("input[name=class_background][value=working]")
    page.fill("input[name=class_background_words]", "first in my family at university")
    page.check("input[name=to_therapist]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(shots / "phone-about-me.png"), full_page=True)
    page.click("main form.checkin button[type=submit]")
    page.wait_for_load_state()
    assert "Saved" in page.locator("p.done").inner_text()
    assert page.is_checked("input[name=to_therapist]") and not page.is_checked("input[name=to_supervisor]")
    context.close()
    desk, therapist = signed_in(browser, base, "therapist_a", DESK)
    therapist.goto(f"{base}/clients/{practice.ids['record_a']}")
    described = therapist.locator("section.their-context").inner_text()
    assert "25 to 34" in described and "first in my family at university" in described
    desk.close()
    supervisor_view, supervisor = signed_in(browser, base, "supervisor", DESK)
    supervisor.goto(f"{base}/clients/{practice.ids['record_a']}")
    assert supervisor.locator("section.their-context").count() == 0
    supervisor_view.close()


PHONE_PAGES = {
    "therapist_a": ["/", "/clients", "/clients/{record_a}", "/clients/{record_a}/upload",
                    "/sessions/{session_a1}", "/sessions/{session_a1}/compare",
                    "/sessions/{session_a1}/reflection", "/clients/{record_a}/course", "/supervision",
                    "/me/context", "/clients/{record_a}/agreement"],
    "client_a": ["/me", "/consent", "/sessions/{session_a1}", "/clients/{record_a}/course", "/me/context",
                 "/clients/{record_a}/agreement"],
    "supervisor": ["/supervisees", "/supervisees/{therapist_a}", "/clients/{record_a}",
                   "/sessions/{session_a1}/compare", "/clients/{record_a}/agreement"],
    "admin": ["/admin/users"],
}


# Per list table: the width of its box and of its rows (wider when it scrolls inside itself).
TABLE_WIDTHS = """() => [...document.querySelectorAll('main table.list')].map(t =>
  [t.getBoundingClientRect().width, t.querySelector('tr').getBoundingClientRect().width])"""


@pytest.mark.parametrize("who", sorted(PHONE_PAGES))
def test_every_main_page_fits_a_phone(browser: Any, server: tuple[str, Practice], shots: Path,
                                      who: str) -> None:
    """Nothing runs off the side of a phone's screen; charts are drawn for it, not shrunk."""
    base, practice = server
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, base, who)
    for template in PHONE_PAGES[who]:
        url = template.format(**practice.ids)
        page.goto(base + url)
        page.wait_for_load_state()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{who} {url} is {width}px wide on a 390px phone"
        # A framed report would capture the phone's scrolling: it opens on its own page instead.
        assert not any(frame.is_visible() for frame in page.locator("iframe").all()), f"{who} {url}"
        for table, rows in page.evaluate(TABLE_WIDTHS):
            assert rows >= table - 1, f"{who} {url}: a table's rows are {rows}px wide in its {table}px box"
        for svg in page.locator("figure.chart svg").all():
            if svg.is_visible():  # the phone drawing, at (nearly) its own size
                box = svg.bounding_box()
                assert box is not None and box["width"] <= 380, f"{who} {url}: chart wider than the phone"
                natural = float(svg.get_attribute("width") or 0)
                assert box["width"] >= 0.85 * natural, f"{who} {url}: chart shrunk to {box['width']:.0f}px"
        name = url.strip("/").replace("/", "_") or "home"
        page.screenshot(path=str(shots / f"phone-{who}-{name}.png"), full_page=True)
    context.close()



def list_table(columns: int) -> str:
    head = "".join(f"<th>col {i}</th>" for i in range(columns))
    body = "".join(f'<td class="num">+0.{i}</td>' for i in range(columns))
    return f'<table class="list"><thead><tr>{head}</tr></thead><tbody><tr>{body}</tr></tbody></table>'


def test_short_tables_fill_a_phone_and_wide_ones_scroll_inside_themselves(
        browser: Any, server: tuple[str, Practice]) -> None:
    base, _practice = server
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{base}/login")  # any page: what is under test is the app's style sheet
    page.locator("main").evaluate("(main, html) => main.insertAdjacentHTML('beforeend', html)",
                                  list_table(2) + list_table(12))
    (short_box, short_rows), (wide_box, wide_rows) = page.evaluate(TABLE_WIDTHS)[-2:]
    assert short_box > 300 and short_rows >= short_box - 1, f"short table: rows {short_rows} in {short_box}px"
    assert wide_box <= 370 and wide_rows > wide_box + 100, f"wide table: rows {wide_rows} in {wide_box}px"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_client_marks_an_agreement_item_on_a_phone(browser: Any, server: tuple[str, Practice],
                                                   shots: Path) -> None:
    base, _practice = server
    context, page = signed_in(browser, base, "client_a", PHONE)
    page.goto(f"{base}/me")
    page.click("text=mark an item to talk about it")
    page.wait_for_load_state()
    item = page.locator("#item-cancellation")
    assert "48 hours" in item.locator(".item-text").inner_text()
    item.locator("input[name=kind][value=no_say]").check()
    item.locator("textarea[name=comment]").fill("I was not asked about this.")
    page.screenshot(path=str(shots / "agreement-mark.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    with page.expect_navigation():
        item.locator("button[type=submit]").click()
    mark = page.locator("#item-cancellation .mark").last
    assert "I didn\u2019t get a say in this" in mark.inner_text()
    assert "I was not asked about this." in mark.inner_text() and "Not answered yet" in mark.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(shots / "agreement-marked.png"), full_page=True)
    context.close()


def test_therapist_changes_the_fee_and_the_client_sees_the_change(browser: Any, server: tuple[str, Practice],
                                                                  shots: Path) -> None:
    base, practice = server
    context, page = signed_in(browser, base, "therapist_a", DESK)
    page.goto(f"{base}/clients/{practice.ids['record_a']}")
    page.click("text=The practice agreement")
    page.wait_for_load_state()
    page.fill("textarea[name=item_fee]", "70 a session from April.")
    with page.expect_navigation():
        page.click("form.agreement-form button[type=submit]")
    assert "Fee changed" in page.locator("ul.history").inner_text()
    page.screenshot(path=str(shots / "agreement-therapist.png"), full_page=True)
    context.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    sign_in(page, base, "client_a")
    page.goto(f"{base}/me")
    assert "new version" in page.locator("p.agreement-news").inner_text()
    page.click("p.agreement-news >> text=See what changed")
    page.wait_for_load_state()
    news = page.locator("section.changes-new").inner_text()
    assert "Fee changed" in news and "70 a session from April." in news and "60 a session" in news
    page.screenshot(path=str(shots / "agreement-changed.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(f"{base}/me")  # told once: the notice is gone after the client has looked
    assert page.locator("p.agreement-news").count() == 0
    phone.close()
