"""Plan, run and assemble: requirements checked first, the DESIGN §3 JSON, versions, round trips."""

from __future__ import annotations

import json

import pytest
from profile_builders import build, collaborative_session, directive_session

from equipoise.analysers import Config, DimensionResult, registry
from equipoise.analysers.base import BaseAnalyser
from equipoise.errors import RequirementError, UsageError
from equipoise.model import Role, Speaker, Transcript, Turn
from equipoise.pipeline import analyse, plan
from equipoise.profile import SCHEMA_VERSION, SUMMARY_WEIGHTS, Profile, describe_weights

TURN_LABEL_KEYS = {"behaviour", "question_type", "reflection_type", "input_type", "stance", "talk_type",
                   "markers"}


def test_profile_json_has_the_design_shape() -> None:
    transcript, labels = directive_session()
    data = json.loads(analyse(transcript, labels=labels).to_json())
    assert data["schema_version"] == SCHEMA_VERSION == 1
    assert {"schema_version", "equipoise_version", "transcript", "labeller", "turns", "dimensions",
            "timeline", "summary"} <= set(data)
    assert data["transcript"]["id"] == "directive" and data["transcript"]["n_turns"] == 10
    assert data["transcript"]["speakers"] == [{"name": "Ana", "role": "therapist"},
                                              {"name": "Sam", "role": "client"}]
    assert data["labeller"] == {"name": "hand", "version": "1"}
    assert [t["index"] for t in data["turns"]] == list(range(10))
    for turn in data["turns"]:
        assert {"index", "speaker", "role", "start", "end", "labels"} <= set(turn)
        assert set(turn["labels"]) == TURN_LABEL_KEYS
    assert list(data["dimensions"]) == registry.names()
    for dim in data["dimensions"].values():
        assert {"lean", "metrics", "norms", "evidence", "available", "reason", "description",
                "what_it_cannot_know", "version"} <= set(dim)
    assert 0.0 <= data["summary"]["partnership"] <= 1.0
    assert -1.0 <= data["summary"]["power_lean"] <= 1.0
    assert data["analysers"] == {name: registry.get(name).version for name in registry.names()}


def test_the_profile_never_contains_transcript_text() -> None:
    transcript, labels = collaborative_session()
    text = analyse(transcript, labels=labels).to_json()
    for turn in transcript.turns:
        assert turn.text not in text
    assert "brother" not in text


def test_profile_round_trips_through_json() -> None:
    transcript, labels = collaborative_session()
    profile = analyse(transcript, labels=labels)
    assert Profile.from_json(profile.to_json()) == profile


def test_an_unknown_schema_version_is_refused() -> None:
    transcript, labels = directive_session()
    data = analyse(transcript, labels=labels).to_dict()
    data["schema_version"] = 99
    with pytest.raises(UsageError, match="schema_version"):
        Profile.from_dict(data)


def test_without_timestamps_speaking_time_is_absent_not_invented() -> None:
    transcript, labels = build([("T", "How are you?"), ("C", "Tired and worried about work lately.")])
    floor = analyse(transcript, labels=labels).dimensions["floor"]
    assert floor.available
    assert not any(k.startswith(("time_share", "overlaps")) for k in floor.metrics)
    assert any("no timestamps" in n for n in floor.notes)


def test_a_transcript_without_a_client_reports_every_dimension_unavailable_with_the_reason() -> None:
    t = Speaker("Ana", Role.THERAPIST)
    transcript = Transcript.from_turns("mono", [Turn(0, t, "Hello."), Turn(1, t, "Anyone there?")])
    _, labels = build([("T", "Hello."), ("T", "Anyone there?")])
    profile = analyse(transcript, labels=labels)
    for dim in profile.dimensions.values():
        assert not dim.available and dim.lean is None
        assert "--client NAME" in (dim.reason or "")
    assert profile.summary.partnership is None and profile.summary.power_lean is None


def test_plan_checks_requirements_before_running_and_names_analyser_and_input() -> None:
    transcript, _ = build([("T", "How are you?"), ("C", "Fine.")])
    skipped = plan(transcript, labelled=False).skipped
    assert "labels" in skipped["partnership"] and "floor" not in skipped
    with pytest.raises(RequirementError, match=r"'partnership'.*labels"):
        plan(transcript, labelled=False, analysers=["partnership"])


def test_asking_for_an_unknown_analyser_lists_the_valid_ones() -> None:
    with pytest.raises(UsageError, match="Available names: floor"):
        registry.get("charisma")


def test_labels_must_match_the_turns() -> None:
    transcript, _ = directive_session()
    _, short = build([("T", "Hi.")])
    with pytest.raises(UsageError, match="10 turns but 1 labels"):
        analyse(transcript, labels=short)


class _Echo(BaseAnalyser):
    name = "echo"
    version = "0.1"
    requires = frozenset({"timestamps"})
    description = "test analyser"
    cannot_know = "everything"

    def analyse(self, transcript, labels, config):  # type: ignore[no-untyped-def]
        return DimensionResult(lean=0.0, metrics={"turns": float(transcript.n_turns)})


def test_plugins_register_like_built_ins_and_duplicates_are_rejected() -> None:
    registry.register(_Echo())
    try:
        with pytest.raises(UsageError, match="already registered"):
            registry.register(_Echo())
        transcript, labels = directive_session()
        profile = analyse(transcript, labels=labels)
        assert profile.dimensions["echo"].metrics == {"turns": 10.0}
        assert profile.analysers["echo"] == "0.1"
        untimed, untimed_labels = build([("T", "Hi?"), ("C", "Hi.")])
        assert "timestamps" in (analyse(untimed, labels=untimed_labels).dimensions["echo"].reason or "")
    finally:
        registry.unregister("echo")


def test_settings_are_recorded_and_unknown_settings_rejected() -> None:
    transcript, labels = directive_session()
    profile = analyse(transcript, labels=labels, config=Config(window=4, step=2))
    assert profile.settings["window"] == 4
    with pytest.raises(UsageError, match="unknown analysis setting"):
        Config.from_dict({"windw": 3})


def test_summary_weights_are_printable_and_cover_every_dimension() -> None:
    assert set(SUMMARY_WEIGHTS["shared_power"]) == set(SUMMARY_WEIGHTS["power_lean"]) == set(
        registry.BUILTIN_MODULES)
    text = describe_weights()
    for name in registry.BUILTIN_MODULES:
        assert name in text


def test_summary_evidence_comes_from_the_dimensions() -> None:
    transcript, labels = directive_session()
    profile = analyse(transcript, labels=labels)
    pooled = {i for d in profile.dimensions.values() for i in d.evidence}
    assert profile.summary.evidence and set(profile.summary.evidence) <= pooled


class _Semantic(_Echo):
    name = "semantic"
    requires = frozenset({"embeddings"})


def test_an_analyser_needing_embeddings_is_reported_not_run_when_no_backend_is_installed() -> None:
    registry.register(_Semantic())
    try:
        transcript, labels = directive_session()
        dim = analyse(transcript, labels=labels).dimensions["semantic"]
        assert not dim.available and "sentence-embedding backend" in (dim.reason or "")
        with pytest.raises(RequirementError, match="'semantic'"):
            analyse(transcript, labels=labels, analysers=["semantic"])
    finally:
        registry.unregister("semantic")
