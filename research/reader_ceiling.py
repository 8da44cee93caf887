"""How far the numbers Equipoise computes can follow a reader: learned combinations, leave one set out.

Run from the repository's root folder:

    python -m research.reader_ceiling                     # every run judgements file in tests/validation
    python -m research.reader_ceiling --folder tests/validation/holdout25 --folder tests/validation/holdout26

Every judged session (the development suite and each hold-out that has been run; a folder holding
``NOT_RUN`` is skipped, its first run belongs to the next change) is profiled once. Its features are every
available dimension's lean and metrics and the summary's power lean (a missing one is 0). For each
dimension a reader judges, the script compares with the readers, by leave-one-set-out cross-validation
(each judgements file is one set, written in one sitting by one reader):

- ``shipped``: the profile's own side (:func:`equipoise.validation.side` of the lean), as
  ``benchmarks/validation_agreement.py`` counts it;
- ``majority``: the side readers chose most often in the other sets (the floor of any model);
- ``lr-leans``: a multinomial logistic regression on the eight leans and the power lean, fitted on the
  other sets: what re-weighting the levers against each other could gain;
- ``lr-all``: the same on every metric as well (standardised; L2, C = 0.1): what any linear formula over
  the numbers already computed could gain;
- ``gbm-all`` (``--gbm``): gradient-boosted trees on every metric, for non-linear formulas.

A learned row is an upper estimate of what a formula over these numbers can reach against readers like
these on new sessions like these; it is not a model Equipoise ships (docs/power-model.md, "How far these
numbers can follow a reader"). Prints numbers only, never turn text; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from equipoise.validation import NOT_RUN, POWER
from equipoise.validation import judgement_files as validation_files

VALIDATION = Path(__file__).resolve().parent.parent / "tests" / "validation"
SIDES = ("therapist", "shared", "client")
LR_ALL_C = 0.1


@dataclass(frozen=True)
class Judged:
    """The judged sessions as arrays: one row per session."""

    features: np.ndarray            # sessions x features; NaN where the profile has no value
    names: tuple[str, ...]          # feature names ("agenda.lean", "agenda.questions_therapist", ...)
    groups: np.ndarray              # the set (judgements file) of each session
    sides: dict[str, np.ndarray]    # dimension -> the reader's side per session ("unsure" when none)

    def lean(self, dimension: str) -> np.ndarray:
        """The profile's lean of ``dimension`` (or ``power``) per session, NaN where it is unavailable."""
        key = f"{dimension}.lean"
        if key not in self.names:
            return np.full(len(self.groups), np.nan)
        return self.features[:, self.names.index(key)]


def judgement_files(folders: Sequence[Path] | None = None) -> list[Path]:
    """The judgements files to read: the given folders', else the suite's and every run hold-out's."""
    if folders:
        return [folder / "judgements.toml" for folder in folders]
    return [path for path in validation_files(VALIDATION) if not (path.parent / NOT_RUN).is_file()]


def collect(files: Sequence[Path], progress: Callable[[str], None] | None = None) -> Judged:
    """Profile every session of ``files`` once and gather its features and the reader's sides."""
    from equipoise.validation import read_judgements, session_profiles

    rows: list[dict[str, float | None]] = []
    groups: list[str] = []
    judged: list[dict[str, str]] = []
    for path in files:
        name = "suite" if path.parent == VALIDATION else path.parent.name
        profile_of = session_profiles(path.parent)
        for session in read_judgements(path):
            profile = profile_of(session)
            row: dict[str, float | None] = {f"{POWER}.lean": profile.summary.power_lean}
            for dimension, result in profile.dimensions.items():
                if result.available:
                    row[f"{dimension}.lean"] = result.lean
                    row.update((f"{dimension}.{metric}", value) for metric, value in result.metrics.items())
            rows.append(row)
            groups.append(name)
            judged.append({j.dimension: j.side for j in session.judgements})
        if progress is not None:
            progress(f"{name}: {sum(g == name for g in groups)} sessions profiled")
    names = tuple(sorted({key for row in rows for key in row}))
    features = np.array([[_or_nan(row.get(key)) for key in names] for row in rows])
    dimensions = sorted({d for j in judged for d in j})
    sides = {d: np.array([j.get(d, "unsure") for j in judged]) for d in dimensions}
    return Judged(features, names, np.array(groups), sides)


def _or_nan(value: float | None) -> float:
    return np.nan if value is None else float(value)


def shipped_sides(judged: Judged, dimension: str) -> np.ndarray:
    """The profile's side per session for ``dimension`` (its lean by the validation rule; "none" where the
    dimension is unavailable, which counts as a disagreement, as in the benchmark)."""
    from equipoise.validation import side

    return np.array(["none" if np.isnan(x) else side(float(x)) for x in judged.lean(dimension)])


def _models(gbm: bool) -> dict[str, Callable[[], object]]:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    models: dict[str, Callable[[], object]] = {
        "lr-leans": lambda: make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=3000)),
        "lr-all": lambda: make_pipeline(StandardScaler(), LogisticRegression(C=LR_ALL_C, max_iter=3000)),
    }
    if gbm:
        models["gbm-all"] = lambda: HistGradientBoostingClassifier(
            max_iter=150, learning_rate=0.05, max_depth=3, random_state=0)
    return models


def leave_one_set_out(features: np.ndarray, sides: np.ndarray, groups: np.ndarray,
                      make: Callable[[], object]) -> np.ndarray:
    """Each counted session's side as predicted by a model fitted on the other sets' counted sessions
    ("unsure" rows are neither fitted nor predicted; a set whose training part has one side only gets that
    side)."""
    counted = sides != "unsure"
    predicted = np.array(["unsure"] * len(sides), dtype=object)
    for group in np.unique(groups):
        train, test = counted & (groups != group), counted & (groups == group)
        if not test.any():
            continue
        seen = np.unique(sides[train])
        if len(seen) == 1:
            predicted[test] = seen[0]
            continue
        model = make()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(features[train], sides[train])  # type: ignore[attr-defined]
            predicted[test] = model.predict(features[test])  # type: ignore[attr-defined]
    return predicted


def majority(sides: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each counted session's side as the other sets' most frequent side."""
    return leave_one_set_out(np.zeros((len(sides), 1)), sides, groups, _Majority)


class _Majority:
    """The most frequent side of the training rows (ties: the first in :data:`SIDES` order)."""

    def fit(self, _features: np.ndarray, sides: np.ndarray) -> _Majority:
        counts = {side: int((sides == side).sum()) for side in SIDES}
        self.side = max(SIDES, key=lambda side: counts[side])
        return self

    def predict(self, features: np.ndarray) -> np.ndarray:
        return np.array([self.side] * len(features))


def ceiling(judged: Judged, *, gbm: bool = False) -> dict[str, dict[str, tuple[int, int]]]:
    """Per judged dimension (and ``all``): column -> (agreeing, counted) for the shipped rule, the
    majority side and each learned model, all by leave-one-set-out."""
    lean_columns = [k for k, name in enumerate(judged.names) if name.endswith(".lean")]
    known = np.nan_to_num(judged.features, nan=0.0)    # a value the profile does not have counts as 0
    table: dict[str, dict[str, tuple[int, int]]] = {}
    totals: dict[str, list[int]] = {}
    for dimension, sides in judged.sides.items():
        counted = sides != "unsure"
        if not counted.any():
            continue
        columns = {"shipped": shipped_sides(judged, dimension), "majority": majority(sides, judged.groups)}
        for name, make in _models(gbm).items():
            features = known[:, lean_columns] if name == "lr-leans" else known
            columns[name] = leave_one_set_out(features, sides, judged.groups, make)
        row = {}
        for name, predicted in columns.items():
            agree, n = int((predicted[counted] == sides[counted]).sum()), int(counted.sum())
            row[name] = (agree, n)
            total = totals.setdefault(name, [0, 0])
            total[0] += agree
            total[1] += n
        table[dimension] = row
    table["all"] = {name: (agree, n) for name, (agree, n) in totals.items()}
    return table


def describe(table: dict[str, dict[str, tuple[int, int]]]) -> str:
    """The table as aligned text, ``all`` first."""
    columns = list(table["all"])
    lines = [f"{'dimension':<15}" + "".join(f"{c:>18}" for c in columns)]
    for dimension in ["all", *sorted(d for d in table if d != "all")]:
        cells = [f"{a:>5}/{n:<5} {a / n if n else 0:.3f}".rjust(18) for a, n in table[dimension].values()]
        lines.append(f"{dimension:<15}" + "".join(cells))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, action="append",
                        help="a folder with judgements.toml and sessions/ (repeatable; default: every run "
                             "set)")
    parser.add_argument("--gbm", action="store_true", help="also gradient-boosted trees on every metric")
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    files = judgement_files(args.folder)
    if len({p.parent for p in files}) < 2:
        raise SystemExit("leave one set out needs at least two judgements files")
    judged = collect(files, progress=lambda line: print(line, file=sys.stderr, flush=True))
    print(f"{len(judged.groups)} sessions in {len(set(judged.groups))} sets; "
          f"{len(judged.names)} features; leave one set out\n")
    print(describe(ceiling(judged, gbm=args.gbm)))


if __name__ == "__main__":
    main()
