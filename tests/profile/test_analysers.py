"""Each dimension analyser on tiny hand-built sessions: formulas, leans, evidence, unavailability."""

from __future__ import annotations

import math

import pytest
from profile_builders import build, collaborative_session, directive_session

from equipoise.analysers import Config, registry
from equipoise.analysers.accommodation import _coordination
from equipoise.analysers.base import balance, pick_evidence

CONFIG = Config()


def run(name: str, session):  # type: ignore[no-untyped-def]
    transcript, labels = session
    return registry.get(name).analyse(transcript, labels, CONFIG)


def test_every_dimension_of_the_design_is_registered_in_order() -> None:
    assert registry.names()[:8] == ["floor", "agenda", "responsiveness", "directiveness", "partnership",
                                    "disclosure", "accommodation", "client_agency"]


@pytest.mark.parametrize("name", registry.BUILTIN_MODULES)
def test_every_analyser_declares_itself_and_cites_its_formula(name: str) -> None:
    analyser = registry.get(name)
    module = __import__(f"equipoise.analysers.{name}", fromlist=["x"])
    assert analyser.version and analyser.description and analyser.cannot_know
    assert "lean" in (module.__doc__ or "").lower()
    assert analyser.requires <= {"labels", "timestamps", "dyad", "embeddings"}


@pytest.mark.parametrize("name", registry.BUILTIN_MODULES)
def test_leans_are_in_range_and_evidence_points_at_real_turns(name: str) -> None:
    for session in (directive_session(), collaborative_session()):
        result = run(name, session)
        assert result.available, result.reason
        assert -1.0 <= result.lean <= 1.0
        assert set(result.evidence) <= {t.index for t in session[0].turns}


@pytest.mark.parametrize("name", ["floor", "agenda", "responsiveness", "directiveness", "partnership",
                                  "client_agency"])
def test_the_directive_session_leans_further_to_the_therapist_than_the_collaborative(name: str) -> None:
    assert run(name, directive_session()).lean > run(name, collaborative_session()).lean


def test_floor_word_shares_follow_the_words_spoken() -> None:
    result = run("floor", build([("T", "one two three"), ("C", "one")]))
    assert result.metrics["word_share_therapist"] == pytest.approx(0.75)
    assert result.metrics["word_share_client"] == pytest.approx(0.25)
    assert result.lean == pytest.approx(0.5)
    assert result.evidence == (0,)   # only turns that push toward the therapist
    assert any("no timestamps" in note for note in result.notes)
    assert "time_share_therapist" not in result.metrics


def test_floor_uses_speaking_time_and_counts_cut_offs_with_timestamps() -> None:
    transcript, labels = build([("T", "a b c d"), ("C", "e f"), ("T", "g h")], times=True)
    result = registry.get("floor").analyse(transcript, labels, CONFIG)
    assert result.metrics["time_share_therapist"] == pytest.approx(6 / 8)
    assert result.metrics["overlaps_client"] == 0.0
    assert result.metrics["longest_monologue_therapist"] == 4.0


def test_agenda_counts_questions_and_closed_questions() -> None:
    result = run("agenda", directive_session())
    assert result.metrics["questions_therapist"] == 2.0
    assert result.metrics["closed_question_share"] == 1.0


def test_responsiveness_counts_reflections_as_uptake() -> None:
    result = run("responsiveness", collaborative_session())
    assert result.metrics["reflection_reply_share"] == pytest.approx(2 / 3)
    directive = run("responsiveness", directive_session())
    assert directive.metrics["unanswered_share"] == 1.0


def test_partnership_scores_against_miti_thresholds() -> None:
    result = run("partnership", collaborative_session())
    assert result.metrics["reflection_question_ratio"] == pytest.approx(1.0)   # 2 reflections, 2 questions
    assert result.metrics["complex_reflection_share"] == 1.0
    # Counts shrunk by 4 pseudo-turns at the reference medians (RS 0.25, R:Q 1, collaboration 0.1,
    # telling 0.07): RS (2 + 1) / (5 + 4), R:Q (2 + 4) / (2 + 4), collaboration (2 + 0.4) / (5 + 4),
    # telling (0 + 0.28) / (5 + 4) (the options turn hands a choice over; it does not tell)
    rs, rq, collaboration, telling = 3 / 9, 6 / 6, 2.4 / 9, 0.28 / 9
    assert result.metrics["telling_share"] == 0.0
    # Version 3.0: the client opened both topics (turns 1 and 5; 2 + 4 x 0.556 of 2 + 4 openings) and
    # the therapist made no directive act (0 + 4 x 0.056 of 5 + 4 turns)
    assert result.metrics["client_topic_share"] == 1.0
    assert result.metric_turns["client_topic_share"] == (1, 5)
    assert result.metrics["directive_rate_therapist"] == 0.0
    topics, direction = (2 + 4 * 0.556) / 6, 4 * 0.056 / 9
    expected = (2 * min(rs / 0.4, 1) + min(rq / 2, 1) + min(collaboration / 0.2, 1)
                + 2 * (1 - min(telling / 0.6, 1)) + 2 * min(topics / 0.75, 1)
                + 3 * (1 - min(direction / 0.2, 1))) / 11
    assert result.metrics["score"] == pytest.approx(expected)
    raw = 1 - 2 * expected
    own = math.copysign(abs(raw) ** 0.7, raw)   # version 3.1 stretches it
    # Version 3.2 blends it with the steering levers' leans: 0.3 own, 0.3 agenda, 0.4 directiveness, x 1.25
    steering = run("agenda", collaborative_session()).lean, run("directiveness", collaborative_session()).lean
    assert result.lean == pytest.approx(max(-1.0, min(1.0, 1.25 * (0.3 * own + 0.3 * steering[0]
                                                                    + 0.4 * steering[1]))))
    assert any("own lean" in note and "agenda" in note for note in result.notes)


def test_partnership_falls_when_the_therapist_directs_and_opens_the_topics() -> None:
    # The same reflections, questions and collaboration; only who directs and who opens topics differs.
    def session(directs: bool):  # type: ignore[no-untyped-def]
        rows = []
        for i in range(6):
            if directs:
                rows.append(("T", f"You need to start the evening walks on route {i} with your sister.",
                             {"behaviour": "input", "input_type": "advice", "markers": ("directive",)}))
                rows.append(("C", "Okay.", {"talk_type": "neutral"}))
            else:
                rows.append(("T", "Okay.", {"behaviour": "other"}))
                rows.append(("C", f"I have been thinking about evening walks on route {i} with my sister.",
                             {"talk_type": "change"}))
            rows.append(("T", "It matters to you.", {"behaviour": "reflection", "reflection_type": "simple"}))
            rows.append(("C", "Yes.", {"talk_type": "neutral"}))
        return build(rows)

    directed, led = run("partnership", session(True)), run("partnership", session(False))
    assert directed.metrics["directive_rate_therapist"] == pytest.approx(0.5)
    assert led.metrics["directive_rate_therapist"] == 0.0
    assert directed.metrics["client_topic_share"] < led.metrics["client_topic_share"]
    assert directed.metrics["reflection_share"] == led.metrics["reflection_share"]
    assert directed.lean > led.lean + 0.3


def test_partnership_without_reflections_or_questions_says_rq_is_undefined() -> None:
    result = run("partnership", build([("T", "Hello.", {"behaviour": "other"}), ("C", "Hi.")]))
    assert result.metrics["reflection_question_ratio"] is None
    assert result.notes


def test_directiveness_counts_advice_and_confrontation_against_autonomy_support() -> None:
    result = run("directiveness", directive_session())
    assert result.metrics["advice_therapist"] == 3.0
    assert result.metrics["confront_therapist"] == 1.0
    assert result.lean == pytest.approx(math.tanh(3 * 3 / 5) ** 0.7)    # version 1.4 stretches the lean
    assert set(result.evidence) == {2, 6, 8}


def test_disclosure_lean_is_positive_when_only_the_client_discloses() -> None:
    result = run("disclosure", collaborative_session())
    assert result.metrics["disclosure_rate_client"] == pytest.approx(2 / 5)
    # Version 1.2: each side's rate adds twice its first-person rate (per word).
    fp_c, fp_t = result.metrics["first_person_rate_client"], result.metrics["first_person_rate_therapist"]
    assert fp_c > fp_t > 0      # the therapist's one "I" ("if I shared")
    client, therapist = 2 / 5 + 2 * fp_c, 2 * fp_t
    assert result.lean == pytest.approx((client - therapist) / (client + therapist + 0.1))
    assert result.evidence == (1, 3)


def test_disclosure_lean_grows_with_the_asymmetry_instead_of_jumping_to_one() -> None:
    def session(disclosing: int):  # type: ignore[no-untyped-def]
        rows = []
        for i in range(10):
            rows.append(("T", "What happened next?", {"behaviour": "question"}))
            markers = ("self_disclosure",) if i < disclosing else ()
            rows.append(("C", "She told her sister about it.", {"markers": markers}))
        return build(rows)

    once, often = run("disclosure", session(1)), run("disclosure", session(3))
    assert once.lean == pytest.approx(0.5)      # 1 in 10 client turns, none by the therapist
    assert often.lean == pytest.approx(0.75)    # 3 in 10
    assert run("disclosure", session(0)).lean == 0.0


def test_disclosure_reads_self_focus_when_no_turn_is_marked() -> None:
    # Version 1.2: first-person words count (twice the rate per word) beside the marked disclosures.
    def session(client_says: str, therapist_says: str):  # type: ignore[no-untyped-def]
        return build([("T", therapist_says, {"behaviour": "other"}), ("C", client_says)] * 5)

    own_week = "I think my week was hard for me."
    client_self = run("disclosure", session(own_week, "What else happened then?"))
    both_self = run("disclosure", session(own_week, "I know, my own week was hard too."))
    assert client_self.metrics["disclosures_client"] == 0.0
    assert client_self.lean > 0.4
    assert abs(both_self.lean) < client_self.lean / 2


def test_coordination_is_conditional_minus_base_rate() -> None:
    article = frozenset({"article"})
    none: frozenset[str] = frozenset()
    # The reply has an article in 2 of 2 exchanges after an article, 0 of 2 otherwise: 1 - 0.5.
    pairs = [(article, article, 0), (article, article, 1), (none, none, 2), (none, none, 3)]
    assert _coordination(pairs) == pytest.approx(0.5)
    assert _coordination([]) is None


def test_client_agency_sees_pushback_met_by_confrontation() -> None:
    result = run("client_agency", directive_session())
    # Sustain talk after advice (turn 3) is met by a question, which goes along with it (version 2.3: a
    # reply that does not insist follows), the disagreement (turn 7) by confrontation.
    assert result.metrics["pushbacks"] == 2.0
    assert result.metrics["pushback_confronted_share"] == 0.5
    assert result.metrics["pushback_followed_share"] == 0.5
    assert 8 in result.evidence


def test_a_dimension_that_cannot_be_computed_says_why() -> None:
    result = run("responsiveness", build([("T", "Hi."), ("C", "Hi.")]))
    assert not result.available and result.lean is None and result.reason


def test_balance_and_evidence_helpers() -> None:
    assert balance(3, 1) == 0.5 and balance(0, 0) == 0.0
    assert pick_evidence({1: 0.2, 2: -0.9, 3: 0.7}, 0.4, 1) == (3,)
    assert pick_evidence({1: 0.2, 2: -0.9, 3: 0.7}, 0.0, 1) == (2,)


def test_client_agency_and_partnership_read_the_steering_levers() -> None:
    # Version 2.6 / 3.2: each lean blends the dimension's own lean with agenda's and directiveness's.
    from equipoise.analysers import client_agency, partnership, steering

    for session in (collaborative_session(), directive_session()):
        levers = {name: run(name, session).lean for name in ("agenda", "directiveness")}
        assert dict(steering.steering_leans(session[0], session[1], Config())) == levers
        agency = run("client_agency", session)
        own = 1 - 2 * agency.metrics["agency"]
        mixed = (0.5 * own + 0.3 * levers["agenda"] + 0.2 * levers["directiveness"]) / 1.0
        assert agency.lean == pytest.approx(max(-1.0, min(1.0, 1.5 * mixed - 0.2)))
        for blend in (client_agency.BLEND, partnership.BLEND):
            assert blend.own_weight + sum(blend.weights.values()) == pytest.approx(1.0)
        note = next(n for n in agency.notes if "steering levers" in n)
        assert f"agenda {levers['agenda']:+.2f}" in note and "shifted by -0.2" in note
    # The therapist who directs and opens the topics holds both levers more than the one who guides.
    assert run("client_agency", directive_session()).lean > run("client_agency", collaborative_session()).lean
    assert run("partnership", directive_session()).lean > run("partnership", collaborative_session()).lean


def test_a_steering_lever_that_is_unavailable_drops_out_of_the_blend() -> None:
    from equipoise.analysers.steering import Blend

    assert Blend(0.5, {"agenda": 0.3, "directiveness": 0.2}).lean(0.4, {}) == pytest.approx(0.4)
    assert Blend(0.5, {"agenda": 0.5, "directiveness": 0.2}).lean(0.4, {"agenda": -0.4}) == pytest.approx(0.0)
