"""Every metric that counts or rates turns links to the turns in its numerator (``metric_turns``)."""

from __future__ import annotations

import re

import pytest
from profile_builders import CLIENT, THERAPIST, build, collaborative_session, directive_session

from equipoise.analysers import Config, registry
from equipoise.analysers.base import DimensionResult
from equipoise.label.labels import Labels, TurnLabels
from equipoise.model import Role, Transcript, Turn
from equipoise.pipeline import analyse
from equipoise.profile import Profile
from equipoise.timeline import window_bounds

CONFIG = Config()

#: Metrics computed from every turn of a party, or combining other metrics: they link no turns.
WHOLE = re.compile(r"^(word_share|turn_share|time_share|mean_turn_words|first_person_rate)_"
                   r"|^(lexical_)?uptake_|^coordination_|^(score|agency)$"
                   r"|^(speaking_seconds|speech_rate)_|^(longest_)?silence_seconds$")
#: Metrics whose value is the number of turns they link.
COUNTS = re.compile(r"^(topic_openings|questions|overlaps|replies|disclosures)_|^goal_proposals_therapist$"
                    r"|^(silences_broken|interruptions|yields)_"
                    r"|^(advice|confront|unsolicited_information|permission)_therapist$"
                    r"|^(reflections|questions|pushbacks)$|^exchanges_")
#: Whose turns a metric without a role suffix links.
ROLE_OF = {
    "closed_question_share": Role.THERAPIST, "reflection_reply_share": Role.THERAPIST,
    "unanswered_share": Role.THERAPIST, "reflection_question_ratio": Role.THERAPIST,
    "complex_reflection_share": Role.THERAPIST, "open_question_share": Role.THERAPIST,
    "collaboration_rate": Role.THERAPIST, "we_rate": Role.THERAPIST, "reflection_share": Role.THERAPIST,
    "reflections": Role.THERAPIST, "questions": Role.THERAPIST, "change_talk_share": Role.CLIENT,
    "change_talk_rate": Role.CLIENT, "client_topic_share": Role.CLIENT, "pushbacks": Role.CLIENT,
    "pushback_followed_share": Role.THERAPIST, "pushback_confronted_share": Role.THERAPIST,
    "exchanges_client_to_therapist": Role.CLIENT, "exchanges_therapist_to_client": Role.THERAPIST,
    "engagement": Role.CLIENT, "therapist_turns": Role.THERAPIST, "telling_share": Role.THERAPIST,
}


def mixed_session() -> tuple[Transcript, Labels]:
    """Overlapping turns, unasked-for information, "we", a client question, goals, a followed pushback."""
    rows = [
        ("T", "We could look at your week together, what happened at work on Monday?",
         TurnLabels("question", "open", markers=("we",))),
        ("C", "My manager moved the deadline again and I stayed late three nights.", TurnLabels()),
        ("T", "Long hours are linked with poorer sleep in most studies of shift workers.",
         TurnLabels("input", input_type="information")),
        ("C", "Is that true for everyone? I always thought I could cope with it.",
         TurnLabels(talk_type="sustain", markers=("disagreement",))),
        ("T", "You wonder whether it applies to you, because you have coped before.",
         TurnLabels("reflection", reflection_type="complex")),
        ("C", "Maybe I could leave at six twice a week and see what happens.",
         TurnLabels(talk_type="change")),
        ("T", "Shall we set that as a goal for the next two weeks, leaving at six?",
         TurnLabels("input", input_type="negotiation", markers=("we", "permission"))),
        ("C", "Yes, Tuesdays and Thursdays, my partner would be pleased about that.",
         TurnLabels(talk_type="change", markers=("self_disclosure",))),
        ("T", "Tuesdays and Thursdays.", TurnLabels("reflection", reflection_type="simple")),
        ("C", "Right.", TurnLabels(talk_type="neutral")),
    ]
    turns, clock = [], 0.0
    for index, (who, text, _) in enumerate(rows):
        start = clock - 1.0 if index in (3, 6) else clock   # turns 3 and 6 cut in
        end = start + len(text.split())
        turns.append(Turn(index, THERAPIST if who == "T" else CLIENT, text, start, end))
        clock = end
    return Transcript.from_turns("mixed", turns), Labels(tuple(r[2] for r in rows), "hand", "1")


SESSIONS = {"directive": directive_session, "collaborative": collaborative_session, "mixed": mixed_session}


def results(session: tuple[Transcript, Labels]) -> dict[str, DimensionResult]:
    transcript, labels = session
    return {name: registry.get(name).analyse(transcript, labels, CONFIG) for name in registry.BUILTIN_MODULES}


def role_of(metric: str) -> Role:
    if metric in ROLE_OF:
        return ROLE_OF[metric]
    return Role(metric.rsplit("_", 1)[-1])


@pytest.mark.parametrize("sid", SESSIONS)
def test_metrics_link_turns_unless_they_come_from_every_turn(sid: str) -> None:
    for name, result in results(SESSIONS[sid]()).items():
        for metric in result.metrics:
            assert (metric in result.metric_turns) != bool(WHOLE.search(metric)), (name, metric)
        assert set(result.metric_turns) <= set(result.metrics), name


@pytest.mark.parametrize("sid", SESSIONS)
def test_linked_turns_are_real_turns_of_the_right_role(sid: str) -> None:
    transcript, labels = SESSIONS[sid]()
    role = {t.index: t.role for t in transcript.turns}
    for name, result in results((transcript, labels)).items():
        for metric, turns in result.metric_turns.items():
            assert list(turns) == sorted(set(turns)), (name, metric)
            assert {role[i] for i in turns} <= {role_of(metric)}, (name, metric, turns)


@pytest.mark.parametrize("sid", SESSIONS)
def test_every_count_is_the_number_of_its_turns(sid: str) -> None:
    checked = 0
    for result in results(SESSIONS[sid]()).values():
        for metric, turns in result.metric_turns.items():
            if COUNTS.search(metric):
                assert result.metrics[metric] == len(turns), metric
                checked += 1
    assert checked >= 20


@pytest.mark.parametrize("sid", SESSIONS)
def test_rates_and_shares_have_their_turns_as_numerator(sid: str) -> None:
    transcript, labels = SESSIONS[sid]()
    n = {r: sum(t.role is r for t in transcript.turns) for r in (Role.THERAPIST, Role.CLIENT)}
    found = results((transcript, labels))
    agenda, resp, direct = found["agenda"], found["responsiveness"], found["directiveness"]
    part, disc, agency = found["partnership"], found["disclosure"], found["client_agency"]

    def linked(result: DimensionResult, metric: str) -> int:
        return len(result.metric_turns[metric])

    def check(result: DimensionResult, metric: str, denominator: float,
              numerator: float | None = None) -> None:
        value = result.metrics[metric]
        if denominator == 0:
            assert value is None and linked(result, metric) == 0, metric
        else:
            expected = linked(result, metric) if numerator is None else numerator
            assert value * denominator == pytest.approx(expected), metric

    m = agenda.metrics
    check(agenda, "topic_share_therapist", m["topic_openings_therapist"] + m["topic_openings_client"])
    check(agenda, "question_density_therapist", n[Role.THERAPIST])
    check(agenda, "closed_question_share", m["questions_therapist"])
    check(resp, "reflection_reply_share", resp.metrics["statement_replies_therapist"])
    check(resp, "unanswered_share", resp.metrics["statement_replies_therapist"])
    for role in (Role.THERAPIST, Role.CLIENT):
        check(resp, f"left_aside_{role.value}", resp.metrics[f"replies_{role.value}"])
    for role in (Role.THERAPIST, Role.CLIENT):
        check(direct, f"autonomy_rate_{role.value}", n[role])
        check(disc, f"disclosure_rate_{role.value}", n[role])
    # Unasked-for information weighs half a directive act in the rate.
    unasked = linked(direct, "unsolicited_information_therapist")
    acts = linked(direct, "directive_rate_therapist") - 0.5 * unasked
    check(direct, "directive_rate_therapist", n[Role.THERAPIST], acts)
    check(part, "reflection_question_ratio", part.metrics["questions"])
    check(part, "complex_reflection_share", part.metrics["reflections"])
    check(part, "open_question_share", part.metrics["questions"])
    for metric in ("collaboration_rate", "we_rate", "reflection_share"):
        check(part, metric, n[Role.THERAPIST])
    sustain = sum(lab.talk_type == "sustain" for t, lab in zip(transcript.turns, labels.turns, strict=True)
                  if t.role is Role.CLIENT)
    check(agency, "change_talk_share", linked(agency, "change_talk_rate") + sustain)
    check(agency, "change_talk_rate", n[Role.CLIENT])
    check(agency, "client_topic_share", m["topic_openings_therapist"] + m["topic_openings_client"])
    assert agency.metric_turns["client_topic_share"] == agenda.metric_turns["topic_openings_client"]
    # Every pushback in these sessions is answered by the therapist, so the shares' denominator is theirs.
    check(agency, "pushback_followed_share", agency.metrics["pushbacks"])
    check(agency, "pushback_confronted_share", agency.metrics["pushbacks"])


def test_the_mixed_session_links_what_its_labels_say() -> None:
    found = results(mixed_session())
    assert found["floor"].metric_turns["overlaps_client"] == (3,)
    assert found["floor"].metric_turns["overlaps_therapist"] == (6,)
    assert found["directiveness"].metric_turns["unsolicited_information_therapist"] == (2,)
    assert found["directiveness"].metric_turns["permission_therapist"] == (6,)
    assert found["agenda"].metric_turns["questions_client"] == (3,)          # by its question mark
    assert found["agenda"].metric_turns["goal_proposals_therapist"] == (6,)
    assert found["partnership"].metric_turns["we_rate"] == (0, 6)
    assert found["partnership"].metric_turns["complex_reflection_share"] == (4,)
    assert found["disclosure"].metric_turns["disclosures_client"] == (7,)
    assert found["client_agency"].metric_turns["pushbacks"] == (3,)
    assert found["client_agency"].metric_turns["pushback_followed_share"] == (4,)


def test_the_longest_monologue_links_its_run_of_turns() -> None:
    transcript, labels = build([("T", "one two"), ("C", "a b c"), ("C", "d e"), ("T", "three"),
                                ("C", "f g h i")])
    result = registry.get("floor").analyse(transcript, labels, CONFIG)
    assert result.metrics["longest_monologue_client"] == 5
    assert result.metric_turns["longest_monologue_client"] == (1, 2)
    assert result.metric_turns["longest_monologue_therapist"] == (0,)
    assert result.metric_turns["longest_monologue_other"] == ()


def test_one_reply_to_two_consecutive_pushbacks_is_listed_once() -> None:
    advice = {"behaviour": "input", "input_type": "advice", "markers": ("directive",)}
    transcript, labels = build([
        ("T", "You should walk every morning before work.", advice),
        ("C", "I really do not agree with that.", {"markers": ("disagreement",)}),
        ("C", "Mornings are impossible for me.", {"talk_type": "sustain", "markers": ("disagreement",)}),
        ("T", "Mornings do not work for you.", {"behaviour": "reflection", "reflection_type": "simple"}),
    ])
    result = registry.get("client_agency").analyse(transcript, labels, CONFIG)
    assert result.metric_turns["pushbacks"] == (1, 2)
    assert result.metrics["pushback_followed_share"] == 1.0
    assert result.metric_turns["pushback_followed_share"] == (3,)


def test_a_timeline_window_links_turns_inside_it_by_their_session_index() -> None:
    transcript, labels = directive_session()
    linked_late = 0
    for first, end in window_bounds(transcript.n_turns, 4, 2):
        part = Transcript.from_turns(transcript.id, transcript.turns[first:end])
        part_labels = Labels(labels.turns[first:end], labels.labeller_name, labels.labeller_version)
        inside = {t.index for t in part.turns}
        for name, result in results((part, part_labels)).items():
            for metric, turns in result.metric_turns.items():
                assert set(turns) <= inside, (first, name, metric, turns)
                linked_late += first > 0 and bool(turns)
    assert linked_late > 10   # later windows do link turns, by index rather than position


def test_the_profile_carries_metric_turns_through_json() -> None:
    transcript, labels = directive_session()
    profile = analyse(transcript, labels=labels, norms=False)
    data = profile.to_dict()
    assert data["dimensions"]["directiveness"]["metric_turns"]["advice_therapist"] == [2, 6, 8]
    assert data["dimensions"]["agenda"]["metric_turns"]["questions_client"] == []
    assert "word_share_therapist" not in data["dimensions"]["floor"]["metric_turns"]
    again = Profile.from_json(profile.to_json())
    assert again == profile
    assert again.dimensions["client_agency"].metric_turns["pushbacks"] == (3, 7)


def test_a_profile_written_before_metric_turns_still_loads() -> None:
    transcript, labels = collaborative_session()
    data = analyse(transcript, labels=labels, norms=False).to_dict()
    for dim in data["dimensions"].values():
        del dim["metric_turns"]
    old = Profile.from_dict(data)
    assert all(d.metric_turns == {} for d in old.dimensions.values())
    assert old.dimensions["partnership"].metrics == analyse(transcript, labels=labels).dimensions[
        "partnership"].metrics


def test_an_unavailable_dimension_keeps_the_turns_of_its_counts() -> None:
    # Client agency has nothing to weigh (no change or sustain talk, no topic opening, no pushback), but it
    # counted the client's substantive turn for its engagement.
    transcript, labels = build([("T", "Hm.", {"behaviour": "other"}),
                                ("C", "Sleep bad since move", {"talk_type": "neutral"})])
    result = registry.get("client_agency").analyse(transcript, labels, CONFIG.__class__(topic_min_words=9))
    assert not result.available
    assert result.metric_turns["engagement"] == (1,) and result.metrics["engagement"] == 1.0
    assert result.metric_turns["pushbacks"] == ()
