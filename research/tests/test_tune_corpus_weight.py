"""The corpus-weight grid runs on a tiny corpus, scores every cell on every fold, and is deterministic."""

from __future__ import annotations

from pathlib import Path

from annomi_tiny import write_tiny_annomi

from equipoise.label.data import read_annomi
from equipoise.label.train import TrainConfig
from research.tune_corpus_weight import NO_PUNCTUATION, table, tune


def test_the_grid_scores_every_cell_on_every_fold_the_same_way_twice(tmp_path: Path) -> None:
    sessions = read_annomi(write_tiny_annomi(tmp_path / "tiny.csv", sessions=12))
    config = TrainConfig(folds=3)
    heads = {"behaviour": (0.2, 0.4)}
    first = tune(sessions, config, heads, weights=(0.0, 0.5))
    assert set(first) == {("behaviour", w, c) for w in (0.0, 0.5) for c in (0.2, 0.4)}
    for scores in first.values():
        assert set(scores) == {("annomi", "clean"), ("annomi", NO_PUNCTUATION)}
        assert all(len(v) == 3 and all(0.0 <= f <= 1.0 for f in v) for v in scores.values())
    assert tune(sessions, config, heads, weights=(0.0, 0.5)) == first
    lines = table(first, {"behaviour": (0.5, 0.2)})
    assert len(lines) == 2 + 4
    assert "| behaviour | 0.5 | 0.2 |" in lines[-2] and "+0.000 ± 0.000" in lines[-2]  # the reference
