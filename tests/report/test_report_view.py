"""What a report shows, computed from a Profile: norms, evidence, timeline, words."""

from __future__ import annotations

from dataclasses import replace

import pytest

import equipoise
from equipoise.analysers.registry import declared
from equipoise.errors import UsageError
from equipoise.model import Role, Speaker, Transcript, Turn
from equipoise.profile import Profile, TimelineWindow
from equipoise.report.texts import (
    CLIENT_LEANS,
    DIMENSIONS,
    client_lean_phrase,
    label_word,
    lean_phrase,
    metric_basis,
)
from equipoise.report.view import format_value, parse_norm, session_view, timeline_rows, turn_indexes


def test_norms_are_read_from_the_percentiles_of_the_norms_table() -> None:
    norm = parse_norm({"percentile": 62.0, "p10": 0.1, "p25": 0.2, "p50": 0.3, "p75": 0.4, "p90": 0.5})
    assert (norm.low, norm.high, norm.median, norm.percentile) == (0.1, 0.5, 0.3, 62.0)
    assert norm.span == "p10\u2013p90"
    assert parse_norm({"p25": 0.2, "p75": 0.4}).span == "p25\u2013p75"
    assert parse_norm({"percentile": 50}) is None and parse_norm(None) is None
    assert norm.position(0.05) == "below" and norm.position(0.3) == "within" and norm.position(0.9) == "above"


def test_norms_of_a_computed_profile_are_read(profile: Profile) -> None:
    floor = next(d for d in session_view(profile).dimensions if d.key == "floor")
    share = next(m for m in floor.metrics if m.key == "word_share_therapist")
    entry = profile.dimensions["floor"].norms["word_share_therapist"]
    assert (share.norm.low, share.norm.high, share.norm.percentile) == (entry["p10"], entry["p90"],
                                                                         entry["percentile"])


def test_evidence_keeps_only_valid_turn_indexes_in_order() -> None:
    assert turn_indexes([7, 3, 3, -1, 99, 5, 2], n_turns=10) == (2, 3, 5, 7)
    assert turn_indexes((), n_turns=3) == ()


def test_timeline_is_plotted_by_turn_not_by_time() -> None:
    window = TimelineWindow(10, 20, 600.0, 900.0, {"floor": 0.5, "agenda": None}, 0.1, 0.9)
    rows = timeline_rows([window], {"floor": "Floor"})
    assert rows == ({"turn": 15.0, "dimension": "Floor", "key": "floor", "lean": 0.5, "first": 10,
                     "last": 20},)


def test_values_are_formatted_for_reading() -> None:
    assert [format_value(v) for v in (None, 4.0, 0.5, 1.0, 1234, float("nan"), True)] == \
        ["\u2013", "4", "0.50", "1.00", "1,234", "\u2013", "yes"]


def test_lean_words_depend_on_the_audience_and_never_grade() -> None:
    assert lean_phrase(0.8, "therapist") == "mostly the therapist"
    assert lean_phrase(0.8, "client") == "mostly your therapist"
    assert lean_phrase(-0.3, "client") == "leaning towards you"
    assert lean_phrase(0.1, "therapist") == "shared"
    assert lean_phrase(None, "therapist") == "not measured"


def test_session_view_links_each_metric_to_its_own_turns(profile: Profile, transcript) -> None:
    view = session_view(profile, transcript)
    kinds = declared("metric_kinds")
    for dim in view.dimensions:
        source = profile.dimensions[dim.key]
        assert dim.evidence == tuple(sorted(set(source.evidence))), dim.key   # the lean keeps the dimension's
        for metric in dim.metrics:
            own = source.metric_turns.get(metric.key)
            assert metric.linked == (own is not None) and metric.evidence == (own or ()), metric.key
            if own is None:
                assert metric.basis == metric_basis(metric.key), metric.key   # from every turn
            if own is not None and kinds.get(dim.key, {}).get(metric.key) == "count":
                assert metric.text == f"{int(metric.value):,}", metric.key      # counts read as counts
        for index in dim.evidence:
            assert dim.key in view.turns[index].evidence_for
    assert [t.text for t in view.turns] == [t.text for t in transcript.turns]
    for turn, shown in zip(profile.turns, view.turns, strict=True):
        if turn.labels.get("question_type"):
            assert label_word(turn.labels["question_type"]) in shown.chips


def test_a_metric_that_counts_nothing_links_nothing(profile: Profile) -> None:
    empty = [(key, name) for key, dim in profile.dimensions.items()
             for name, turns in dim.metric_turns.items() if not turns and not name.endswith("_other")]
    assert empty, "the sample has no metric that counts nothing"
    dims = {d.key: d for d in session_view(profile).dimensions}
    for key, name in empty:
        metric = next(m for m in dims[key].metrics if m.key == name)
        assert metric.linked and metric.evidence == () and metric.basis == "no turn counted in this number"


def test_a_profile_without_metric_turns_links_only_the_leans(profile: Profile) -> None:
    old = replace(profile, dimensions={k: replace(d, metric_turns={}) for k, d in profile.dimensions.items()})
    for audience in ("therapist", "client"):
        for dim in session_view(old, audience=audience).dimensions:
            assert all(m.evidence == () and not m.linked and m.basis for m in dim.metrics), dim.key
    floor = next(d for d in session_view(old).dimensions if d.key == "floor")
    assert floor.evidence == tuple(sorted(profile.dimensions["floor"].evidence))
    assert "older Equipoise" in floor.metrics[0].basis


def test_metrics_from_every_turn_say_of_whom() -> None:
    assert metric_basis("mean_turn_words_client") == "from every turn of the client"
    assert metric_basis("mean_turn_words_client", "client") == "from everything you said"
    assert metric_basis("word_share_therapist") == "from every turn in the session"
    assert metric_basis("uptake_therapist") == "an average over every reply of the therapist"
    assert "exchange" in metric_basis("coordination_gap") and "combines" in metric_basis("score")


def test_session_view_keeps_the_dimension_order(profile: Profile) -> None:
    view = session_view(profile)
    assert [d.key for d in view.dimensions] == [k for k in DIMENSIONS if k in profile.dimensions]
    assert [d.key for d in view.dimensions][:3] == ["floor", "agenda", "responsiveness"]
    assert all(t.text is None for t in view.turns)


def test_a_dimension_that_cannot_be_measured_says_why() -> None:
    ana = Speaker("Ana", Role.THERAPIST)
    lines = ["What would you like to talk about today?", "The weekends worry you, I think."]
    alone = Transcript.from_turns("alone", [Turn(i, ana, text) for i, text in enumerate(lines)])
    view = session_view(equipoise.analyse(alone))
    assert view.dimensions and view.talk_share == ()
    for dim in view.dimensions:
        assert not dim.available and dim.lean_phrase == "not measured" and "client" in dim.reason, dim.key


def test_a_transcript_of_another_session_is_refused(profile: Profile, transcript) -> None:
    shorter = replace(profile, turns=profile.turns[:-1])
    with pytest.raises(UsageError, match="16 turns but the profile 15"):
        session_view(shorter, transcript)


def test_a_report_reads_a_profile_not_its_json(profile: Profile) -> None:
    with pytest.raises(UsageError, match=r"Profile\.from_dict"):
        session_view(profile.to_dict())  # type: ignore[arg-type]


@pytest.mark.parametrize("change", [{"schema_version": 2}, {"dimensions": None}])
def test_profiles_outside_the_contract_are_refused(profile: Profile, change: dict) -> None:
    data = profile.to_dict()
    for key, value in change.items():
        if value is None:
            del data[key]
        else:
            data[key] = value
    with pytest.raises(UsageError):
        Profile.from_dict(data)


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


def test_client_view_says_the_direction_in_a_sentence(profile: Profile, transcript) -> None:
    client = {d.key: d.lean_phrase for d in session_view(profile, transcript, "client").dimensions}
    therapist = {d.key: d.lean_phrase for d in session_view(profile, transcript).dimensions}
    for key, dim in profile.dimensions.items():
        if dim.lean is not None and abs(dim.lean) >= 0.15:
            assert "you" in client[key], (key, client[key])       # "you", "your therapist", "your own"
            assert client[key] != therapist[key]


@pytest.mark.parametrize("audience", ["therapist", "client"])
def test_the_words_name_the_side_the_reader_check_counts(audience) -> None:
    from equipoise.report.texts import client_lean_phrase, lean_phrase
    from equipoise.validation import side

    for step in range(-100, 101):
        lean = step / 100
        shared = side(lean) == "shared"
        assert (lean_phrase(lean, audience) == "shared") is shared, lean
        if audience == "client":
            assert (client_lean_phrase("agenda", lean) == "about even between you") is shared, lean
