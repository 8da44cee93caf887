"""One home for each dimension's facts: declared on its analyser, read by glossary, reports, course and
summary."""

from __future__ import annotations

import re

import pytest
from profile_builders import collaborative_session, directive_session

from equipoise.analysers import registry
from equipoise.analysers.base import METRIC_KINDS, BaseAnalyser, DimensionResult, DimensionWords, kinds
from equipoise.course import NAMES
from equipoise.glossary import explain
from equipoise.pipeline import analyse
from equipoise.report.texts import CLIENT_LEANS, CLIENT_LIMITS, DIMENSIONS, client_lean_phrase
from equipoise.summary import POWER_WEIGHTS, SHARED_WEIGHTS, summarise


class Pace(BaseAnalyser):
    name = "pace"
    version = "0.1"
    description = "Who sets the pace."
    cannot_know = "Silence."
    words = DimensionWords("Pace", "Who set the pace", "Turns per minute.", "How fast it went.",
                           "Silence.", "Silences.", ("your therapist set the pace {more}",
                                                     "you set the pace {more}"), "the pace")
    power_weight = 1.0
    shared_weight = 1.0
    metric_kinds = kinds({"turns_per_minute": "rate"})

    def analyse(self, transcript, labels, config):  # type: ignore[no-untyped-def]
        return DimensionResult(lean=0.4, metrics={"turns_per_minute": 3.0})


@pytest.fixture
def ninth():  # type: ignore[no-untyped-def]
    registry.register(Pace())
    yield
    registry.unregister("pace")


def test_a_plugin_dimension_declares_itself_once_and_every_edge_reads_it(ninth) -> None:  # type: ignore[no-untyped-def]
    assert DIMENSIONS["pace"].title == "Pace" and list(DIMENSIONS)[-1] == "pace"
    assert CLIENT_LIMITS["pace"] == "Silences."
    assert client_lean_phrase("pace", 0.6) == "your therapist set the pace clearly more"
    assert NAMES["pace"] == "the pace"
    assert POWER_WEIGHTS["pace"] == SHARED_WEIGHTS["pace"] == 1.0
    assert explain("pace").metric_kinds == {"turns_per_minute": "rate"}
    assert summarise({"pace": 0.4, "floor": -0.4}, reference={"pace": (0.0, 0.5)}).shared_power == 1.0


def test_without_the_plugin_nothing_of_it_remains() -> None:
    assert "pace" not in DIMENSIONS and "pace" not in CLIENT_LEANS and "pace" not in POWER_WEIGHTS


def test_every_metric_a_built_in_dimension_emits_has_a_declared_kind() -> None:
    for session in (directive_session(), collaborative_session()):
        transcript, labels = session
        for name, dim in analyse(transcript, labels=labels).dimensions.items():
            declared = registry.get(name).metric_kinds
            assert set(declared.values()) <= set(METRIC_KINDS)
            for metric in dim.metrics:
                templated = re.sub(r"_(therapist|client|other)$", "_<role>", metric)
                assert metric in declared or templated in declared, (name, metric)


def test_an_unknown_metric_kind_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown metric kind"):
        kinds({"x": "vibe"})
