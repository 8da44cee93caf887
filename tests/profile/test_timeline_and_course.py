"""The timeline within a session and the course across sessions."""

from __future__ import annotations

from pathlib import Path

import pytest
from profile_builders import build, collaborative_session, directive_session

from equipoise.analysers import Config, registry
from equipoise.course import build_course, build_course_from_leans, detect_shift, order_paths, session_date
from equipoise.pipeline import analyse
from equipoise.timeline import window_bounds, window_for


def test_windows_cover_every_turn_and_the_last_reaches_the_end() -> None:
    for n in (1, 9, 10, 11, 37, 600):
        size, step = window_for(n)
        bounds = window_bounds(n, size, step)
        assert bounds[0][0] == 0 and bounds[-1][1] == n
        covered = {i for first, end in bounds for i in range(first, end)}
        assert covered == set(range(n))
        assert all(end - first == min(size, n) for first, end in bounds)


def test_a_timeline_window_is_the_analysis_of_its_turns() -> None:
    rows = [*directive_session()[0].turns]
    transcript, labels = directive_session()
    profile = analyse(transcript, labels=labels, config=Config(window=4, step=2))
    first = profile.timeline[0]
    assert (first.first_turn, first.last_turn) == (0, 3)
    part, part_labels = build([("T" if t.role.value == "therapist" else "C", t.text,
                                {"behaviour": lab.behaviour, "question_type": lab.question_type,
                                 "input_type": lab.input_type, "stance": lab.stance,
                                 "talk_type": lab.talk_type, "markers": lab.markers})
                               for t, lab in zip(rows[:4], labels.turns[:4], strict=True)])
    expected = registry.get("floor").analyse(part, part_labels, Config()).lean
    assert first.leans["floor"] == pytest.approx(expected)
    assert len(profile.timeline) == 4


def test_a_session_that_changes_halfway_shows_the_change_in_its_timeline() -> None:
    directive, d_labels = directive_session()
    collaborative, c_labels = collaborative_session()
    rows = []
    for transcript, labels in ((directive, d_labels), (collaborative, c_labels)):
        for t, lab in zip(transcript.turns, labels.turns, strict=True):
            rows.append(("T" if t.role.value == "therapist" else "C", t.text,
                         {"behaviour": lab.behaviour, "question_type": lab.question_type,
                          "reflection_type": lab.reflection_type, "input_type": lab.input_type,
                          "stance": lab.stance, "talk_type": lab.talk_type, "markers": lab.markers}))
    transcript, labels = build(rows)
    timeline = analyse(transcript, labels=labels, config=Config(window=8, step=4)).timeline
    assert timeline[0].power_lean > timeline[-1].power_lean + 0.3
    assert timeline[0].partnership < timeline[-1].partnership


def test_a_step_change_is_detected_at_the_right_session() -> None:
    assert detect_shift([0.6, 0.5, -0.2, -0.3]) == (2, pytest.approx(0.55), pytest.approx(-0.25))
    assert detect_shift([0.1, 0.0, 0.05, 0.1]) is None
    assert detect_shift([0.5, -0.5, 0.5, -0.5]) is None            # noise, not a shift
    assert detect_shift([0.4, None, -0.4]) == (2, 0.4, -0.4)       # a missing session is skipped
    assert detect_shift([]) is None


def test_course_states_shifts_in_words() -> None:
    course = build_course_from_leans(["a", "b", "c"], {"floor": [0.0, 0.5, 0.6], "agenda": [0.1, 0.1, 0.1],
                                                       "partnership_index": [0.2, 0.7, 0.8]})
    statements = course.statements()
    assert "The floor moved toward the therapist from session 2 on (lean +0.00 before, +0.55 after)." \
        in statements
    assert any(s.startswith("Shared power rose from session 2 on") for s in statements)
    assert not any("agenda" in s for s in statements)
    assert course.to_dict()["trajectories"]["agenda"] == [0.1, 0.1, 0.1]


def test_course_without_shifts_says_so() -> None:
    course = build_course_from_leans(["a", "b"], {"floor": [0.1, 0.15]})
    assert course.statements() == ["No shift of 0.25 or more in any dimension across the sessions."]


def test_course_over_profiles_uses_every_dimension_and_the_summary() -> None:
    profiles = [analyse(s[0], labels=s[1])
                for s in (directive_session(), directive_session(), collaborative_session(),
                          collaborative_session())]
    course = build_course(profiles)
    assert set(registry.BUILTIN_MODULES) <= set(course.trajectories)
    assert {"power_lean", "partnership_index"} <= set(course.trajectories)
    agenda = next(s for s in course.shifts if s.series == "agenda")
    assert agenda.session == 3 and agenda.after < agenda.before


def test_sessions_are_ordered_by_the_dates_in_their_names_when_all_have_one() -> None:
    paths = [Path("2024-03-12 priya.vtt"), Path("20240305_priya.vtt"), Path("2024_02_27-priya.vtt")]
    ordered, how = order_paths(paths)
    assert how == "date" and ordered == [paths[2], paths[1], paths[0]]
    assert session_date(Path("session1.txt")) is None
    mixed = [Path("b.txt"), Path("2024-01-01.txt")]
    assert order_paths(mixed) == (mixed, "argument order")

