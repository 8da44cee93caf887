"""Golden checks end to end (reader, packaged labeller, analysers) on the example sessions, and a snapshot
of the analyser arithmetic on a hand-labelled session (regenerate deliberately with
``EQUIPOISE_UPDATE_GOLDEN=1 pytest tests/profile/test_profile_golden.py``)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from profile_builders import directive_session

import equipoise
from equipoise.course import build_course
from equipoise.label.labeller import available_models
from equipoise.pipeline import analyse
from equipoise.profile import Profile, TimelineWindow

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SNAPSHOT = Path(__file__).parent / "golden" / "directive_hand_labelled.json"

needs_labeller = pytest.mark.skipif(not available_models(), reason="no packaged labeller artifact")


def profile_of(name: str) -> Profile:
    return equipoise.analyse(equipoise.load(EXAMPLES / name))


@needs_labeller
def test_the_directive_example_leans_to_the_therapist() -> None:
    profile = profile_of("directive.txt")
    assert profile.power_lean > 0.3
    # Shared power (summary 2.0) is read against the range of good sessions: the directive session's
    # directiveness sits far outside it, so it shares less power than the collaborative example.
    assert profile.summary.shared_power < profile_of("collaborative.txt").summary.shared_power - 0.05
    for name in ("floor", "agenda", "directiveness", "partnership"):
        assert profile.lean(name) > 0, name


@needs_labeller
def test_the_collaborative_example_does_not_lean_to_the_therapist() -> None:
    profile = profile_of("collaborative.txt")
    assert profile.power_lean <= 0.0
    assert profile.partnership > 0.6
    for name in ("floor", "directiveness", "partnership", "client_agency"):
        assert profile.lean(name) < 0, name


@needs_labeller
def test_the_power_shift_example_shows_the_shift_in_its_timeline() -> None:
    # The therapist steers until turn 22, then the client sets the agenda.
    timeline = profile_of("power_shift.csv").timeline
    before = [w for w in timeline if w.last_turn <= 24]
    after = [w for w in timeline if w.first_turn >= 25]
    assert before and after
    assert _mean(before, "power_lean") > _mean(after, "power_lean") + 0.4
    # Responsiveness 3.0 reads both halves inside its reference range (the client is not left aside in
    # either), so one weighted lever of the shared-power index no longer separates them: 0.2, was 0.3.
    assert _mean(before, "partnership") + 0.2 < _mean(after, "partnership")


def _mean(windows: list[TimelineWindow], key: str) -> float:
    return sum(getattr(w, key) for w in windows) / len(windows)


@needs_labeller
def test_the_course_example_moves_the_agenda_to_the_client_from_session_3() -> None:
    profiles = [profile_of(f"course/session{i}.txt") for i in range(1, 5)]
    course = build_course(profiles)
    agenda = next(s for s in course.shifts if s.series == "agenda")
    assert agenda.session == 3 and agenda.after < agenda.before
    assert "the agenda moved toward the client from session 3 on" in agenda.text


def test_the_analyser_arithmetic_matches_the_snapshot() -> None:
    transcript, labels = directive_session()
    data = analyse(transcript, labels=labels, norms=False).to_dict()
    numbers = ("version", "available", "reason", "lean", "metrics", "evidence", "metric_turns", "notes")
    current = {k: data[k] for k in ("summary", "timeline", "analysers")}
    current["dimensions"] = {n: {k: d[k] for k in numbers} for n, d in data["dimensions"].items()}
    if os.environ.get("EQUIPOISE_UPDATE_GOLDEN"):
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert current == expected, ("analyser output changed: bump the analyser version if a number moved, "
                                 "and regenerate")
