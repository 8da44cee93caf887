"""Uploads are read and analysed within a budget of time and places: over it, a clear error and nothing
stored. The analysis here waits for the test's signal, so no assertion depends on the machine's speed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from equipoise.errors import LimitError
from equipoise.store.models import TherapySession
from equipoise.web.budget import AnalysisBudget

from .conftest import Practice, csrf_of, make_app, post, seed_practice, sign_in

SECRET = "Quokkabramble"
TEXT = f"Therapist: What brings you here?\nClient: The {SECRET} again.\nTherapist: Tell me more?\n"
JSON = {"accept": "application/json"}
PATIENCE = 60  # seconds a held analysis waits for the test before giving up, so a failure cannot hang


class HeldAnalysis:
    """An analyse function that starts, then waits until the test lets it go."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.go = threading.Event()

    def __call__(self, transcript: Any) -> dict[str, Any]:
        from equipoise.web.reports import analyse

        self.started.set()
        self.go.wait(PATIENCE)
        return analyse(transcript)


def _stored_sessions(app: Any) -> int:
    with app.state.equipoise.sessions() as db:
        return db.query(TherapySession).count()


def _let_go(held: HeldAnalysis) -> None:
    held.go.set()
    for thread in threading.enumerate():
        if thread.name == "equipoise-analysis":
            thread.join(PATIENCE)


@pytest.fixture
def held(sqlite_url: str) -> Iterator[tuple[Practice, HeldAnalysis]]:
    """A seeded practice whose budget is one place for one second, and whose analyses wait for the test."""
    app = make_app(sqlite_url, analysis_seconds=1, analysis_workers=1)
    analysis = HeldAnalysis()
    app.state.equipoise.analyse = analysis
    try:
        yield seed_practice(app), analysis
    finally:
        _let_go(analysis)
        app.state.engine.dispose()


def test_an_analysis_over_the_time_budget_is_refused_clearly_and_nothing_is_stored(
        held: tuple[Practice, HeldAnalysis]) -> None:
    practice, analysis = held
    therapist = sign_in(practice.client(), "therapist_a")
    before = _stored_sessions(practice.app)
    upload = f"/clients/{practice.ids['record_a']}/sessions"
    response = post(therapist, upload, {"text": TEXT}, headers=JSON)
    assert response.status_code == 413, response.text
    message = response.json()["error"]
    assert "took longer than the limit of 1 second" in message
    assert "EQUIPOISE_ANALYSIS_SECONDS" in message
    assert SECRET not in response.text

    _let_go(analysis)  # the overrun analysis finishes in the background; its result is thrown away
    assert _stored_sessions(practice.app) == before
    again = post(therapist, upload, {"text": TEXT}, headers=JSON)
    assert again.status_code == 200, again.text  # the place is free again
    assert _stored_sessions(practice.app) == before + 1


def test_an_upload_finding_every_place_taken_is_told_to_send_it_again(
        held: tuple[Practice, HeldAnalysis]) -> None:
    practice, analysis = held
    first, second = (sign_in(practice.client(), "therapist_a") for _ in range(2))
    before = _stored_sessions(practice.app)
    upload = f"/clients/{practice.ids['record_a']}/sessions"
    statuses: list[int] = []
    waiting = threading.Thread(target=lambda: statuses.append(
        post(first, upload, {"text": TEXT}, headers=JSON).status_code))
    waiting.start()
    assert analysis.started.wait(PATIENCE)
    response = second.post(upload, data={"text": TEXT, "title": "kept", "csrf_token": csrf_of(second)})
    assert response.status_code == 503
    assert "analysing 1 other transcript" in response.text and "nothing was stored" in response.text
    assert 'value="kept"' in response.text  # the form comes back as sent
    waiting.join(PATIENCE)
    assert statuses == [413]
    _let_go(analysis)
    assert _stored_sessions(practice.app) == before


def test_a_correction_analysed_over_the_budget_changes_nothing(held: tuple[Practice, HeldAnalysis]) -> None:
    practice, analysis = held
    therapist = sign_in(practice.client(), "therapist_a")
    sid = practice.ids["session_a1"]
    before = therapist.get(f"/api/sessions/{sid}/profile").json()
    speakers = therapist.get(f"/api/sessions/{sid}/edit").json()["speakers"]
    fields = {"title": "Renamed", **{f"speaker_{i}_name": f"Speaker {i}" for i in range(len(speakers))}}
    response = post(therapist, f"/sessions/{sid}/edit", fields, headers=JSON)
    assert response.status_code == 413 and "limit of 1 second" in response.json()["error"]
    _let_go(analysis)
    assert therapist.get(f"/api/sessions/{sid}/profile").json() == before
    assert therapist.get(f"/api/sessions/{sid}").json()["session"]["title"] != "Renamed"


def test_the_budget_hands_back_what_the_work_returned_or_raised() -> None:
    budget = AnalysisBudget(seconds=PATIENCE, workers=1)
    assert budget.run("a.txt", lambda: 42) == 42

    def times_out() -> None:
        raise TimeoutError("its own")

    with pytest.raises(TimeoutError, match="its own"):  # not mistaken for the budget's
        budget.run("a.txt", times_out)
    assert budget.run("a.txt", lambda: "the place was given back") == "the place was given back"


# In a process of its own (the default for uploads: analysis_memory_mb). The work is picklable:
# functools.partial of module-level functions.

def test_isolated_work_hands_back_its_result_and_its_described_failure() -> None:
    import functools
    import operator

    from equipoise.runner import Failed, run_one

    budget = AnalysisBudget(seconds=PATIENCE, workers=1, memory_mb=1024)
    assert budget.run("a.txt", functools.partial(operator.mul, 6, 7), isolated=True) == 42
    unreadable = functools.partial(run_one, "notes.txt", data=f"\x00\x01 {SECRET} \x02".encode() * 50)
    with pytest.raises(Failed) as raised:
        budget.run("notes.txt", unreadable, isolated=True)
    described = raised.value.described
    assert described.http_status == 422 and "notes.txt" in described.message
    assert SECRET not in described.message  # described in the process: no transcript text comes back


def test_isolated_work_past_the_time_is_stopped_and_gives_back_its_place() -> None:
    import functools
    import multiprocessing
    import time

    budget = AnalysisBudget(seconds=1, workers=1, memory_mb=1024)
    with pytest.raises(LimitError, match="longer than the limit of 1 second"):
        budget.run("slow.txt", functools.partial(time.sleep, PATIENCE), isolated=True)
    assert multiprocessing.active_children() == []  # killed, not left to finish in the background
    assert budget.run("next.txt", functools.partial(max, 1, 2), isolated=True) == 2


def test_isolated_work_past_the_memory_limit_fails_alone() -> None:
    import functools

    from equipoise.runner import Failed

    budget = AnalysisBudget(seconds=PATIENCE, workers=1, memory_mb=256)
    with pytest.raises(Failed) as raised:
        budget.run("huge.txt", functools.partial(bytearray, 512 * 1024 * 1024), isolated=True)
    assert raised.value.described.http_status == 413 and "memory" in raised.value.described.message
    assert budget.run("next.txt", functools.partial(bytearray, 1024), isolated=True) == bytearray(1024)


def test_an_upload_over_the_memory_limit_is_refused_and_nothing_is_stored(sqlite_url: str) -> None:
    app = make_app(sqlite_url, analysis_memory_mb=48)  # less than reading and labelling need
    try:
        practice = seed_practice(app)
        therapist = sign_in(practice.client(), "therapist_a")
        before = _stored_sessions(app)
        response = post(therapist, f"/clients/{practice.ids['record_a']}/sessions", {"text": TEXT},
                        headers=JSON)
        assert response.status_code == 413, response.text
        assert "memory" in response.json()["error"] and SECRET not in response.text
        assert _stored_sessions(app) == before
    finally:
        app.state.engine.dispose()
