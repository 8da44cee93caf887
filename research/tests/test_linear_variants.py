"""The linear-variant comparison runs every variant on every fold of a tiny corpus, deterministically, and
its helpers do what they say."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from annomi_tiny import write_tiny_annomi
from scipy import sparse

from equipoise.label.data import read_annomi
from equipoise.label.train import TrainConfig
from research.linear_variants import NO_PUNCTUATION, augment, compare, nb_scale, table


def test_every_variant_is_scored_on_every_fold_the_same_way_twice(tmp_path: Path) -> None:
    sessions = read_annomi(write_tiny_annomi(tmp_path / "tiny.csv", sessions=12))
    config = TrainConfig(folds=3)
    variants = {"behaviour": ("shipped", "punct_adapt", "clean_only", "nb_scaled", "logistic"),
                "talk_type": ("shipped", "c_0.05")}
    first = compare(sessions, config, variants)
    assert set(first) == {(h, v) for h, names in variants.items() for v in names}
    for (head, _), scores in first.items():
        keys = {"annomi/clean", f"annomi/{NO_PUNCTUATION}"}
        if head == "behaviour":
            keys |= {"annomi/clean/question", f"annomi/{NO_PUNCTUATION}/question"}
        assert set(scores) == keys
        assert all(len(v) == 3 and all(0.0 <= f <= 1.0 for f in v) for v in scores.values())
    assert compare(sessions, config, variants) == first
    lines = table(first)
    assert len(lines) == 2 + 7
    shipped = next(line for line in lines if "| behaviour | shipped |" in line)
    assert shipped.count("+0.000 ± 0.000") == 2      # the reference against itself


def test_augment_gives_each_domain_a_private_copy_of_its_rows() -> None:
    x = sparse.csr_matrix(np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 3.0]]))
    out = augment(x, np.array(["a", "b", "a"]), ("a", "b")).toarray()
    assert out.shape == (3, 6)
    assert (out[:, :2] == x.toarray()).all()
    assert (out[:, 2:4] == [[1, 0], [0, 0], [3, 3]]).all() and (out[:, 4:] == [[0, 0], [0, 2], [0, 0]]).all()


def test_nb_scale_weighs_a_feature_that_separates_the_classes_above_one_that_does_not() -> None:
    # feature 0 appears only in class a, feature 1 in both classes alike
    x = sparse.csr_matrix(np.array([[1.0, 1.0], [1.0, 1.0], [0.0, 1.0], [0.0, 1.0]]))
    scale = nb_scale(x, np.array(["a", "a", "b", "b"]), beta=1.0)
    assert scale[0] > scale[1]
    assert np.isclose(nb_scale(x, np.array(["a", "a", "b", "b"]), beta=0.0), 1.0).all()
