"""The reader-ceiling script: leave one set out never sees the held-out set, the shipped column counts as the
validation benchmark does, and unjudged rows stay out of every count."""

from __future__ import annotations

import numpy as np

from equipoise.validation import agreement, run_suite
from research.reader_ceiling import (
    VALIDATION,
    _Majority,
    ceiling,
    collect,
    judgement_files,
    leave_one_set_out,
    majority,
)


def _lr() -> object:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=1000)


def test_a_side_written_in_one_feature_is_learned_across_sets_and_unsure_rows_are_left_alone() -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, size=(90, 2))
    sides = np.where(x[:, 0] > 0.3, "therapist", np.where(x[:, 0] < -0.3, "client", "shared")).astype(object)
    sides[::10] = "unsure"
    groups = np.repeat(["a", "b", "c"], 30)
    predicted = leave_one_set_out(x * 10, sides, groups, _lr)
    counted = sides != "unsure"
    assert (predicted[~counted] == "unsure").all()
    assert (predicted[counted] == sides[counted]).mean() > 0.9


def test_a_set_is_predicted_only_from_the_other_sets() -> None:
    # Each set holds one side only: a model fitted on the other sets can never name the held-out set's side.
    sides = np.array(["therapist"] * 5 + ["client"] * 5 + ["shared"] * 5, dtype=object)
    groups = np.repeat(["a", "b", "c"], 5)
    features = np.eye(15)
    predicted = leave_one_set_out(features, sides, groups, _lr)
    assert not (predicted == sides).any()


def test_majority_is_the_other_sets_most_frequent_side() -> None:
    sides = np.array(["client", "client", "shared", "therapist", "therapist", "therapist"], dtype=object)
    groups = np.array(["a", "a", "a", "b", "b", "b"])
    assert list(majority(sides, groups)) == ["therapist"] * 3 + ["client"] * 3
    assert _Majority().fit(np.zeros((3, 1)), np.array(["shared", "client", "client"])).side == "client"


def test_unrun_hold_outs_are_skipped() -> None:
    names = {path.parent.name for path in judgement_files()}
    unrun = {p.name for p in VALIDATION.glob("holdout*") if (p / "NOT_RUN").is_file()}
    assert names and not names & unrun
    assert VALIDATION.name in names      # the development suite


def test_the_shipped_column_counts_what_the_validation_benchmark_counts() -> None:
    folders = [VALIDATION / "holdout", VALIDATION / "holdout2"]
    judged = collect(judgement_files(folders))
    assert len(judged.groups) == 24 and set(judged.groups) == {"holdout", "holdout2"}
    table = ceiling(judged)

    def analyse(path, therapist):  # type: ignore[no-untyped-def]
        import equipoise

        return equipoise.analyse(equipoise.load(path, therapist=(therapist,) if therapist else ()))

    expected = agreement([c for f in folders for c in run_suite(f / "judgements.toml", analyse)])
    assert {d: row["shipped"] for d, row in table.items()} == expected
    for row in table.values():
        counts = {n for _, n in row.values()}
        assert len(counts) == 1        # every column is scored on the same judgements
