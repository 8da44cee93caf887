"""What a report shows, computed from the profile's JSON form: norms, evidence, timeline, words."""

from __future__ import annotations

from typing import Any

import pytest

from equipoise.errors import UsageError
from equipoise.report.texts import CLIENT_LEANS, DIMENSIONS, client_lean_phrase, lean_phrase, metric_basis
from equipoise.report.view import format_value, parse_norm, session_view, timeline_rows, turn_indexes


def test_norms_are_read_from_percentiles_or_pairs() -> None:
    norm = parse_norm({"percentile": 62.0, "p10": 0.1, "p25": 0.2, "p50": 0.3, "p75": 0.4, "p90": 0.5})
    assert (norm.low, norm.high, norm.median, norm.percentile) == (0.1, 0.5, 0.3, 62.0)
    assert norm.span == "p10\u2013p90"
    assert parse_norm({"p25": 0.2, "p75": 0.4}).span == "p25\u2013p75"
    assert (parse_norm([0.4, 0.1]).low, parse_norm([0.4, 0.1]).high) == (0.1, 0.4)
    assert parse_norm({"percentile": 50}) is None
    assert parse_norm("wide") is None
    assert norm.position(0.05) == "below" and norm.position(0.3) == "within" and norm.position(0.9) == "above"


def test_evidence_keeps_only_valid_turn_indexes_in_order() -> None:
    assert turn_indexes([7, 3, 3, -1, 99, True, "4", {"turn": 5}, {"index": 2}], n_turns=10) == (2, 3, 5, 7)
    assert turn_indexes({"a": [1], "b": 0}, n_turns=3) == (0, 1)
    assert turn_indexes(None, n_turns=3) == ()


def test_timeline_reads_the_pipeline_form_by_turn_not_by_time() -> None:
    rows = timeline_rows([{"first_turn": 10, "last_turn": 20, "start": 600.0, "end": 900.0,
                           "leans": {"floor": 0.5, "agenda": None}}], {"floor": "Floor"})
    assert rows == ({"turn": 15.0, "dimension": "Floor", "key": "floor", "lean": 0.5, "first": 10,
                     "last": 20},)


def test_timeline_reads_long_form_rows() -> None:
    rows = timeline_rows([{"turn": 4, "dimension": "agenda", "lean": -0.25}, "junk", {"lean": 1}], {})
    assert rows == ({"turn": 4.0, "dimension": "agenda", "key": "agenda", "lean": -0.25},)


def test_values_are_formatted_for_reading() -> None:
    assert [format_value(v) for v in (None, 4.0, 0.5, 1.0, 1234, float("nan"), True)] == \
        ["\u2013", "4", "0.50", "1.00", "1,234", "\u2013", "yes"]


def test_lean_words_depend_on_the_audience_and_never_grade() -> None:
    assert lean_phrase(0.8, "therapist") == "mostly the therapist"
    assert lean_phrase(0.8, "client") == "mostly your therapist"
    assert lean_phrase(-0.3, "client") == "leaning towards you"
    assert lean_phrase(0.1, "therapist") == "shared"
    assert lean_phrase(None, "therapist") == "not measured"


def test_session_view_links_each_metric_to_its_own_turns(profile: dict[str, Any], transcript) -> None:
    view = session_view(profile, transcript)
    agency = next(d for d in view.dimensions if d.key == "client_agency")
    by_name = {m.key: m for m in agency.metrics}
    assert by_name["change_talk"].evidence == (11, 13, 15)
    assert by_name["sustain_talk"].evidence == (1, 3, 7)
    assert by_name["change_talk"].text == "3" and by_name["pushback"].text == "1"   # counts read as counts
    followed = by_name["pushback_followed_share"]                  # listed nowhere: from every turn
    assert followed.evidence == () and not followed.linked and "every turn" in followed.basis
    assert agency.evidence == (7, 11, 13, 15)                       # the lean keeps the dimension's
    assert view.turns[7].evidence_for == ("client_agency",)
    assert view.turns[0].text == transcript.turns[0].text
    assert "open question" in view.turns[0].chips


def test_a_metric_that_counts_nothing_links_nothing(profile: dict[str, Any]) -> None:
    partnership = next(d for d in session_view(profile).dimensions if d.key == "partnership")
    we = next(m for m in partnership.metrics if m.key == "we_language")
    assert we.linked and we.evidence == () and we.basis == "no turn counted in this number"


def test_a_profile_without_metric_turns_links_only_the_leans(profile: dict[str, Any]) -> None:
    for dim in profile["dimensions"].values():
        dim.pop("metric_turns", None)
    for audience in ("therapist", "client"):
        for dim in session_view(profile, audience=audience).dimensions:
            assert all(m.evidence == () and not m.linked and m.basis for m in dim.metrics), dim.key
    agency = next(d for d in session_view(profile).dimensions if d.key == "client_agency")
    assert agency.evidence == (7, 11, 13, 15) and "older Equipoise" in agency.metrics[0].basis


def test_metrics_from_every_turn_say_of_whom() -> None:
    assert metric_basis("mean_turn_words_client") == "from every turn of the client"
    assert metric_basis("mean_turn_words_client", "client") == "from everything you said"
    assert metric_basis("word_share_therapist") == "from every turn in the session"
    assert metric_basis("uptake_therapist") == "an average over every reply of the therapist"
    assert "exchange" in metric_basis("coordination_gap") and "combines" in metric_basis("score")


def test_session_view_keeps_dimension_order_and_unavailable_ones(profile: dict[str, Any]) -> None:
    view = session_view(profile)
    assert [d.key for d in view.dimensions][:3] == ["floor", "agenda", "responsiveness"]
    accommodation = next(d for d in view.dimensions if d.key == "accommodation")
    assert not accommodation.available and "40 turns" in accommodation.reason
    assert all(t.text is None for t in view.turns)


def test_a_transcript_of_another_session_is_refused(profile: dict[str, Any], transcript) -> None:
    profile["turns"] = profile["turns"][:-1]
    with pytest.raises(UsageError, match="16 turns but the profile 15"):
        session_view(profile, transcript)


@pytest.mark.parametrize("change", [{"schema_version": 2}, {"dimensions": None}])
def test_profiles_outside_the_contract_are_refused(profile: dict[str, Any], change: dict) -> None:
    for key, value in change.items():
        if value is None:
            del profile[key]
        else:
            profile[key] = value
    with pytest.raises(UsageError):
        session_view(profile)


def test_client_phrases_name_the_direction_of_every_dimension() -> None:
    assert set(CLIENT_LEANS) == set(DIMENSIONS)
    # A positive lean gives the therapist the lever; the sentence must say what that means for each one.
    assert client_lean_phrase("disclosure", 0.9) == \
        "you shared clearly more about yourself than your therapist did"
    assert client_lean_phrase("accommodation", 0.9).startswith(
        "you clearly more often took up your therapist's")
    assert client_lean_phrase("floor", -0.2) == "you talked a little more than your therapist"
    assert client_lean_phrase("floor", -0.3) == "you talked clearly more than your therapist"
    assert client_lean_phrase("partnership", -0.7).startswith("clearly more working it out together")
    assert client_lean_phrase("agenda", 0.05) == "about even between you"
    assert client_lean_phrase("unknown_plugin", 0.8) == "mostly your therapist"
    assert client_lean_phrase("floor", None) == "not measured"


def test_client_view_says_the_direction_in_a_sentence(profile: dict[str, Any], transcript) -> None:
    client = {d.key: d.lean_phrase for d in session_view(profile, transcript, "client").dimensions}
    therapist = {d.key: d.lean_phrase for d in session_view(profile, transcript).dimensions}
    for key, lean in ((k, d["lean"]) for k, d in profile["dimensions"].items()):
        if lean is not None and abs(lean) >= 0.15:
            assert "you" in client[key], (key, client[key])       # "you", "your therapist", "your own"
            assert client[key] != therapist[key]
