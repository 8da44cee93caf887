"""The two voices and the measured profile side by side, and the gaps in plain words."""

from __future__ import annotations

from pathlib import Path

import pytest

import equipoise
from equipoise.model import Role, Speaker, Transcript, Turn
from equipoise.profile import Profile
from equipoise.web import perception
from equipoise.web.access import pseudonymise

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def measured(analysed) -> Profile:
    """The pipeline's profile of the bundled directive session (the therapist holds the levers)."""
    profile = analysed(EXAMPLES / "directive.txt")[1]
    assert perception.side_of_lean(profile.power_lean) == "therapist", "the example is no longer directive"
    return profile


def answers(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {"heard": 3, "say": 3, "disagree": 3, "matters": 3, "who_held": "equal",
                               "who_held_other": None}
    return {**base, **changes}


def test_a_gap_of_two_points_or_more_is_named_with_its_size_and_direction(measured) -> None:
    result = perception.compare(answers(disagree=1), answers(disagree=4), measured)
    gap = [g for g in result["gaps"] if "free to disagree" in g]
    assert gap == ["\u201cI felt free to disagree\u201d: you expected 4 (mostly), your client answered 1 "
                   "(not at all); your estimate was 3 points higher than their answer."]
    assert not any("felt heard" in g for g in result["gaps"])


def test_a_supervisor_reads_the_gaps_about_the_therapist_not_addressed_to_them(measured) -> None:
    result = perception.compare(answers(disagree=1, who_held="therapist"), answers(disagree=4), measured,
                                reader="supervisor")
    text = " ".join(result["gaps"])
    assert "the therapist expected 4 (mostly), the client answered 1 (not at all); the therapist's " \
           "estimate was 3 points higher" in text
    assert "agrees with the client's sense" in text
    assert not any(word in text.lower().split() for word in ("you", "your"))
    missing = " ".join(perception.compare(None, None, measured, reader="supervisor")["gaps"])
    assert "The client has not answered" in missing
    assert "The therapist has not written a reflection" in missing


def test_a_shared_lean_is_said_once_in_words() -> None:
    assert perception.lean_words(0.05) == "is shared, leaning to neither side (+0.05)"
    assert perception.lean_words(None) == "is not measured"


def test_close_expectations_are_acknowledged(measured) -> None:
    result = perception.compare(answers(), answers(heard=4), measured)
    assert "within one point" in result["gaps"][0]


def test_the_measured_lean_is_compared_with_the_clients_answer(measured) -> None:
    disagree = perception.compare(answers(who_held="equal"), None, measured)["gaps"]
    words = f"leans towards the therapist ({measured.power_lean:+.2f})"
    assert any(words in g and "differ" in g for g in disagree)
    agree = perception.compare(answers(who_held="therapist"), None, measured)["gaps"]
    assert any(g.startswith("The measured profile agrees") for g in agree)
    assert any("not written your reflection" in g for g in agree)


def test_missing_voices_are_said_plainly() -> None:
    gaps = perception.compare(None, None, None)["gaps"]
    assert "Your client has not answered the check-in for this session yet." in gaps
    rows = perception.compare(None, None, None)["items"]
    assert all(r["measured_words"] == "is not measured" for r in rows)


def test_items_sit_beside_their_measured_dimension(measured) -> None:
    rows = {r["key"]: r for r in perception.compare(answers(), answers(), measured)["items"]}
    assert [rows[item.key]["dimension"] for item in perception.ITEMS] == [
        "responsiveness", "agenda", "client_agency", "partnership"]
    for item in perception.ITEMS:
        lean = measured.lean(item.dimension)
        assert rows[item.key]["measured_lean"] == lean
        assert rows[item.key]["measured_words"] == perception.lean_words(lean) != "is not measured"


def test_answers_are_validated_with_plain_messages() -> None:
    values, problems = perception.parse_answers({"heard": "6", "say": "2", "disagree": "3", "matters": "x",
                                                 "who_held": "other", "who_held_other": ""})
    assert len(problems) == 3
    assert any("I felt heard" in p for p in problems) and any("something else" in p for p in problems)
    values, problems = perception.parse_answers({"heard": "1", "say": "2", "disagree": "3", "matters": "4",
                                                 "who_held": "me"})
    assert problems == [] and values["who_held"] == "me" and values["who_held_other"] is None


def test_the_check_in_offers_exactly_the_issues_answers() -> None:
    assert [i.text for i in perception.ITEMS] == [
        "I felt heard", "I had a say in what we talked about", "I felt free to disagree",
        "We worked on what matters to me"]
    assert list(perception.WHO_HELD.values()) == [
        "the therapist", "me", "neither, power did not come into it", "we held it more or less equally",
        "it shifted back and forth", "something else"]


def test_pseudonymise_replaces_speaker_names_everywhere() -> None:
    okafor, priya = Speaker("Dr Okafor", Role.THERAPIST), Speaker("Priya", Role.CLIENT)
    lines = [(okafor, "What would you like to talk about today?"),
             (priya, "My sister and I keep arguing about the weekends."),
             (okafor, "You and your sister share more than a name.")]
    transcript = Transcript.from_turns("priya-2024", [Turn(i, s, t) for i, (s, t) in enumerate(lines)])
    profile = equipoise.analyse(transcript).to_dict()
    hidden = pseudonymise(profile, 3)
    text = repr(hidden)
    assert "Priya" not in text and "Okafor" not in text
    assert hidden["transcript"]["id"] == "session-3"
    assert [t["speaker"] for t in hidden["turns"]] == ["Therapist", "Client", "Therapist"]
    assert Profile.from_dict(hidden).speakers == (("Therapist", "therapist"), ("Client", "client"))
    assert profile["turns"][1]["speaker"] == "Priya"  # the stored profile is not changed


def test_charts_are_svg_with_their_numbers_in_the_description() -> None:
    from equipoise.web import charts

    points = [{"label": "#1", "measured": 0.4, "client": 1.0, "predicted": 0.0,
               "client_items": {"heard": 2}, "predicted_items": {"heard": 5}},
              {"label": "#2", "measured": -0.3, "client": None, "predicted": None}]
    course = str(charts.course_chart(points, "Who held the power"))
    assert course.startswith('<figure class="chart">') and "<svg" in course and "<script" not in course
    assert "#1 Client&#39;s answer: +1.00" in course or "#1 Client's answer: +1.00" in course
    items = str(charts.items_chart(points, [("heard", "I felt heard")]))
    assert "I felt heard, #1, Therapist" in items
    empty = [{"label": "answer", "count": 0}]
    assert "No answers yet" in charts.caseload_chart(empty, empty, "t")
    assert charts.whole_ticks(3) == [0, 1, 2, 3] and charts.whole_ticks(7) == [0, 2, 4, 6, 8]
