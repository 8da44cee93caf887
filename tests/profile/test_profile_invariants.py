"""Hypothesis invariants of the power profile: shares sum to 1; renaming speakers or scaling timestamps
changes nothing; swapping the therapist and client roles flips every antisymmetric lean."""

from __future__ import annotations

import math
import re
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from equipoise.analysers import Config, registry
from equipoise.label.labels import Labels, TurnLabels
from equipoise.model import Role, Speaker, Transcript, Turn
from equipoise.pipeline import analyse

WORDS = ["I", "you", "we", "the", "a", "drink", "work", "sleep", "brother", "worried", "maybe", "should",
         "and", "but", "to", "of", "it", "that", "all", "some", "really", "change", "weekend", "?"]
LABELS = st.builds(
    TurnLabels,
    behaviour=st.sampled_from([None, "reflection", "question", "input", "other"]),
    question_type=st.sampled_from([None, "open", "closed"]),
    reflection_type=st.sampled_from([None, "simple", "complex"]),
    input_type=st.sampled_from([None, "information", "advice", "negotiation", "options"]),
    stance=st.sampled_from([None, "directive", "collaborative", "neutral"]),
    talk_type=st.sampled_from([None, "change", "neutral", "sustain"]),
    markers=st.lists(st.sampled_from(["permission", "autonomy", "affirmation", "directive", "confront",
                                      "self_disclosure", "we", "disagreement", "options", "advice"]),
                     max_size=3, unique=True).map(tuple),
)
TURN = st.tuples(st.booleans(), st.lists(st.sampled_from(WORDS), min_size=1, max_size=12), LABELS,
                 st.floats(0.5, 30))


@st.composite
def sessions(draw: st.DrawFn) -> tuple[Transcript, Labels]:
    rows = draw(st.lists(TURN, min_size=2, max_size=24))
    rows[0] = (True, *rows[0][1:])
    rows[1] = (False, *rows[1][1:])
    therapist, client = Speaker("Ana", Role.THERAPIST), Speaker("Sam", Role.CLIENT)
    turns, clock = [], 0.0
    for i, (is_t, words, _, seconds) in enumerate(rows):
        turns.append(Turn(i, therapist if is_t else client, " ".join(words), clock, clock + seconds))
        clock += seconds
    return Transcript.from_turns("h", turns), Labels(tuple(r[2] for r in rows), "hand", "1")


def _with_speakers(transcript: Transcript, mapping: dict[str, Speaker]) -> Transcript:
    return Transcript.from_turns(transcript.id, [replace(t, speaker=mapping[t.speaker.name])
                                                 for t in transcript.turns])


def _leans(transcript: Transcript, labels: Labels) -> dict[str, float | None]:
    out = {}
    for analyser in registry.all_analysers():
        result = analyser.analyse(transcript, labels, Config())
        out[analyser.name] = result.lean if result.available else None
    return out


@settings(max_examples=60, deadline=None)
@given(sessions())
def test_floor_shares_sum_to_one(session: tuple[Transcript, Labels]) -> None:
    result = registry.get("floor").analyse(*session, Config())
    for kind in ("word", "turn", "time"):
        total = sum(result.metrics[f"{kind}_share_{r}"] or 0.0 for r in ("therapist", "client", "other"))
        assert total == pytest.approx(1.0)


@settings(max_examples=40, deadline=None)
@given(sessions())
def test_renaming_speakers_changes_nothing(session: tuple[Transcript, Labels]) -> None:
    transcript, labels = session
    renamed = _with_speakers(transcript, {"Ana": Speaker("Dr X", Role.THERAPIST),
                                          "Sam": Speaker("Y", Role.CLIENT)})
    before = analyse(transcript, labels=labels).to_dict()
    after = analyse(renamed, labels=labels).to_dict()
    for key in ("dimensions", "summary", "timeline"):
        assert before[key] == after[key]


@settings(max_examples=40, deadline=None)
@given(sessions(), st.floats(0.01, 1000))
def test_scaling_timestamps_changes_no_metric(session: tuple[Transcript, Labels], factor: float) -> None:
    """Only the floor's measures in absolute time (floor 1.1) move: seconds scale with the clock, words per
    minute against it, and what a silence is depends on its 2-second threshold; no lean moves."""
    transcript, labels = session
    scaled = Transcript.from_turns(transcript.id, [
        replace(t, start=t.start * factor, end=t.end * factor) for t in transcript.turns])  # type: ignore[operator]
    for analyser in registry.all_analysers():
        a = analyser.analyse(transcript, labels, Config())
        b = analyser.analyse(scaled, labels, Config())
        assert a.available == b.available
        assert a.metrics.keys() == b.metrics.keys()
        assert b.lean == pytest.approx(a.lean, abs=1e-9)
        for name, value in a.metrics.items():
            if analyser.name == "floor" and ABSOLUTE_TIME.search(name):
                continue
            expected, tolerance = value, 1e-9
            if analyser.name == "floor" and name.startswith("speaking_seconds_") and value is not None:
                # seconds are shown to the millisecond: both sides carry up to half a millisecond of rounding
                expected, tolerance = value * factor, 0.0005 * (1 + factor) + 1e-9
            elif analyser.name == "floor" and name.startswith("speech_rate_") and value is not None:
                expected = value / factor
            if expected is None:
                assert b.metrics[name] is None, (analyser.name, name)
            else:
                close = pytest.approx(expected, rel=1e-3, abs=tolerance)
                assert b.metrics[name] == close, (analyser.name, name)


#: Floor metrics that depend on the 2-second silence threshold, which does not scale with the clock.
ABSOLUTE_TIME = re.compile(r"^(silences_broken_|(longest_)?silence_seconds$)")


@settings(max_examples=60, deadline=None)
@given(sessions())
def test_swapping_roles_flips_every_antisymmetric_lean(session: tuple[Transcript, Labels]) -> None:
    transcript, labels = session
    swapped = _with_speakers(transcript, {"Ana": Speaker("Ana", Role.CLIENT),
                                          "Sam": Speaker("Sam", Role.THERAPIST)})
    before, after = _leans(transcript, labels), _leans(swapped, labels)
    checked = [a.name for a in registry.all_analysers() if a.antisymmetric]
    expected = {"floor", "agenda", "disclosure", "accommodation"}
    assert expected <= set(checked)
    for name in checked:
        assert (before[name] is None) == (after[name] is None), name
        if before[name] is not None:
            assert math.isclose(after[name], -before[name], abs_tol=1e-9), name


@st.composite
def any_sessions(draw: st.DrawFn) -> tuple[Transcript, Labels]:
    roles = st.sampled_from([Role.THERAPIST, Role.CLIENT, Role.OTHER])
    rows = draw(st.lists(st.tuples(roles, st.lists(st.sampled_from(WORDS), min_size=1, max_size=8), LABELS),
                         min_size=1, max_size=20))
    timed = draw(st.sampled_from(["none", "starts", "both"]))
    turns = []
    for i, (role, words, _) in enumerate(rows):
        start = None if timed == "none" else float(i)
        end = float(i) + 0.8 if timed == "both" else None
        turns.append(Turn(i, Speaker(role.value, role), " ".join(words), start, end))
    return Transcript.from_turns("any", turns), Labels(tuple(r[2] for r in rows), "hand", "1")


@settings(max_examples=80, deadline=None)
@given(any_sessions())
def test_any_session_gives_a_valid_profile_or_says_why(session: tuple[Transcript, Labels]) -> None:
    transcript, labels = session
    profile = analyse(transcript, labels=labels)
    profile.to_json()                      # finite numbers only: to_json refuses NaN
    for dim in profile.dimensions.values():
        if dim.available:
            assert dim.lean is not None and -1.0 <= dim.lean <= 1.0
        else:
            assert dim.lean is None and dim.reason
    if profile.partnership is not None:
        assert 0.0 <= profile.partnership <= 1.0 and -1.0 <= profile.power_lean <= 1.0  # type: ignore[operator]


def test_directiveness_is_antisymmetric_but_for_the_clients_own_decisions() -> None:
    """Swapping roles flips directiveness exactly unless a client states a decision of their own, which
    counts half a directive act of the client (version 1.3) while a therapist's own plan directs no one."""
    from equipoise.analysers.base import Config
    from equipoise.analysers.directiveness import ANALYSER
    from equipoise.label.labels import Labels, TurnLabels

    ana, sam = Speaker("Ana", Role.THERAPIST), Speaker("Sam", Role.CLIENT)
    labels = Labels((TurnLabels(markers=("autonomy",)), TurnLabels(), TurnLabels(markers=("directive",)),
                     TurnLabels()), "hand", "1")

    def lean(texts: list[str], speakers: tuple[Speaker, Speaker]) -> float:
        turns = [Turn(i, speakers[i % 2], text) for i, text in enumerate(texts)]
        result = ANALYSER.analyse(Transcript.from_turns("d", turns), labels, Config())
        assert result.lean is not None
        return result.lean

    swapped = (Speaker("Ana", Role.CLIENT), Speaker("Sam", Role.THERAPIST))
    acts = ["It's up to you when.", "Okay.", "Write it down tonight.", "Right."]
    assert math.isclose(lean(acts, (ana, sam)), -lean(acts, swapped), abs_tol=1e-9)
    decided = ["It's up to you when.", "I'll ring my sister on Sunday.", "Write it down tonight.", "Right."]
    assert lean(decided, (ana, sam)) < 0.0        # the therapist's acts net 0; the decision leans it
    assert not math.isclose(lean(decided, (ana, sam)), -lean(decided, swapped), abs_tol=1e-9)
