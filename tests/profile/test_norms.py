"""Norms: where a metric falls among the high-quality reference sessions shipped with the package."""

from __future__ import annotations

import pytest
from profile_builders import directive_session

from equipoise.analysers import registry
from equipoise.norms import Norms, load_norms, percentile_of
from equipoise.pipeline import analyse


def test_percentile_interpolates_and_ties_take_the_middle() -> None:
    percentiles = [0, 25, 50, 75, 100]
    assert percentile_of(1.5, [0, 1, 2, 3, 4], percentiles) == pytest.approx(37.5)
    assert percentile_of(0.0, [0, 0, 0, 1, 2], percentiles) == 25.0
    assert percentile_of(-1, [0, 1, 2, 3, 4], percentiles) == 0.0
    assert percentile_of(9, [0, 1, 2, 3, 4], percentiles) == 100.0


def test_a_metric_without_reference_values_has_no_norm() -> None:
    table = Norms({"percentiles": [0, 100], "metrics": {"floor.lean": [0.0, 1.0]}})
    assert table.place("floor", "word_share_other", 0.2) is None
    assert table.place("floor", "lean", None) is None


def test_shipped_norms_are_built_from_high_quality_sessions_by_the_current_analysers() -> None:
    norms = load_norms()
    assert norms is not None, "src/equipoise/data/norms.json is missing: run scripts/build_norms.py"
    assert norms.source["sessions"] > 50 and "high-quality" in norms.source["corpus"]
    stale = {name: version for name, version in norms.source["analysers"].items()
             if registry.get(name).version != version}
    assert not stale, f"norms were built by other analyser versions {stale}: rerun scripts/build_norms.py"
    for key, quantiles in norms.metrics.items():
        assert list(quantiles) == sorted(quantiles), key


def test_every_metric_with_reference_values_carries_where_it_falls() -> None:
    norms = load_norms()
    assert norms is not None
    transcript, labels = directive_session()
    profile = analyse(transcript, labels=labels)
    for name, dim in profile.dimensions.items():
        for metric, value in {**dim.metrics, "lean": dim.lean}.items():
            if value is not None and f"{name}.{metric}" in norms.metrics:
                entry = dim.norms[metric]
                assert 0.0 <= entry["percentile"] <= 100.0
                assert entry["p10"] <= entry["p50"] <= entry["p90"] and entry["n"] > 0
    assert profile.norms_source["labels"] in ("oof", "gold", "shipped")
