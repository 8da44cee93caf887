"""The two voices and the measured profile side by side, and the gaps in plain words."""

from __future__ import annotations

from equipoise.web import perception
from equipoise.web.access import pseudonymise

PROFILE = {"dimensions": {"responsiveness": {"lean": 0.6}, "agenda": {"lean": -0.5}},
           "summary": {"power_lean": 0.45, "partnership": 0.3}}


def answers(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {"heard": 3, "say": 3, "disagree": 3, "matters": 3, "who_held": "equal",
                               "who_held_other": None}
    return {**base, **changes}


def test_a_gap_of_two_points_or_more_is_named_with_its_size_and_direction() -> None:
    result = perception.compare(answers(disagree=1), answers(disagree=4), PROFILE)
    gap = [g for g in result["gaps"] if "free to disagree" in g]
    assert gap == ["\u201cI felt free to disagree\u201d: you expected 4 (mostly), your client answered 1 "
                   "(not at all); your estimate was 3 points higher than their answer."]
    assert not any("felt heard" in g for g in result["gaps"])


def test_a_supervisor_reads_the_gaps_about_the_therapist_not_addressed_to_them() -> None:
    result = perception.compare(answers(disagree=1, who_held="therapist"), answers(disagree=4), PROFILE,
                                reader="supervisor")
    text = " ".join(result["gaps"])
    assert "the therapist expected 4 (mostly), the client answered 1 (not at all); the therapist's " \
           "estimate was 3 points higher" in text
    assert "agrees with the client's sense" in text
    assert not any(word in text.lower().split() for word in ("you", "your"))
    missing = " ".join(perception.compare(None, None, PROFILE, reader="supervisor")["gaps"])
    assert "The client has not answered" in missing
    assert "The therapist has not written a reflection" in missing


def test_a_shared_lean_is_said_once_in_words() -> None:
    assert perception.lean_words(0.05) == "is shared, leaning to neither side (+0.05)"
    assert perception.lean_words(None) == "is not measured"


def test_close_expectations_are_acknowledged() -> None:
    result = perception.compare(answers(), answers(heard=4), PROFILE)
    assert "within one point" in result["gaps"][0]


def test_the_measured_lean_is_compared_with_the_clients_answer() -> None:
    disagree = perception.compare(answers(who_held="equal"), None, PROFILE)["gaps"]
    assert any("leans towards the therapist (+0.45)" in g and "differ" in g for g in disagree)
    agree = perception.compare(answers(who_held="therapist"), None, PROFILE)["gaps"]
    assert any(g.startswith("The measured profile agrees") for g in agree)
    assert any("not written your reflection" in g for g in agree)


def test_missing_voices_are_said_plainly() -> None:
    gaps = perception.compare(None, None, None)["gaps"]
    assert "Your client has not answered the check-in for this session yet." in gaps
    rows = perception.compare(None, None, None)["items"]
    assert all(r["measured_words"] == "is not measured" for r in rows)


def test_items_sit_beside_their_measured_dimension() -> None:
    rows = {r["key"]: r for r in perception.compare(answers(), answers(), PROFILE)["items"]}
    assert rows["heard"]["measured_words"] == "leans towards the therapist (+0.60)"
    assert rows["say"]["measured_words"] == "leans towards the client (-0.50)"


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
    profile = {"transcript": {"id": "priya-2024", "speakers": [{"name": "Dr Okafor", "role": "therapist"},
                                                               {"name": "Priya", "role": "client"}]},
               "turns": [{"index": 0, "speaker": "Priya"}],
               "dimensions": {"floor": {"metrics": {"word_share": {"Priya": 0.6, "Dr Okafor": 0.4}}}}}
    hidden = pseudonymise(profile, 3)
    text = repr(hidden)
    assert "Priya" not in text and "Okafor" not in text
    assert hidden["transcript"]["id"] == "session-3"
    assert hidden["dimensions"]["floor"]["metrics"]["word_share"] == {"Client": 0.6, "Therapist": 0.4}
    assert profile["turns"][0]["speaker"] == "Priya"  # the stored profile is not changed


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
