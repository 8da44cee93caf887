"""How well the profile separates high- from low-quality MI sessions (expert ratings, AnnoMI training part).

    .venv/bin/python benchmarks/validate_partnership.py [--labels oof|gold|shipped] [--cache FILE]

For each score, the ROC AUC of "high quality" (85 high, 18 low sessions from 93 videos), with a 95%
interval from 1000 bootstrap resamples of source videos (grouped: sessions of one video stay together).
Scores: summary.shared_power (``summary.partnership`` in schema 1), -summary.power_lean, (1 - lean) / 2
of each dimension alone, and two baselines (the client's share of words, the brief's ~0.6 reference; the
share of therapist turns that are reflections).

The shared-power weights shipped in :mod:`equipoise.summary` were fitted here for summary version 1.1
(``--fit`` prints the fit on the current features): a class-balanced logistic regression on the eight
per-dimension values (version 2.0: each lean's closeness to its reference range, see
:func:`equipoise.summary.closeness`; version 1.1: (1 - lean) / 2) with weights constrained to be
non-negative (so the index stays a weighted mean) and an L2 penalty of 1, then scaled to sum to 8 and
rounded to steps of 0.5. Their AUC on the same sessions is optimistic; the honest estimate is the nested
one printed below: the whole procedure (fit, round) rerun inside grouped 5-fold cross-validation by
``video_url`` (no video on both sides), over three fold seeds. An unconstrained logistic regression (signs
free, not shippable as a weighted mean) is shown for comparison.

Labels default to ``oof``: each session labelled by a labeller trained without its video's sessions (see
:mod:`equipoise.reference`); this trains the labeller five times (a few minutes). ``--cache FILE`` keeps
the labels (never text) for the next run. Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")


def _auc(y: list[int], scores: list[float | None]) -> float | None:
    """ROC AUC as the Mann-Whitney statistic (ties count half); sessions without a score are left out."""
    from scipy.stats import rankdata

    pairs = [(s, t) for s, t in zip(scores, y, strict=True) if s is not None]
    n_pos = sum(t for _, t in pairs)
    n_neg = len(pairs) - n_pos
    if not n_pos or not n_neg:
        return None
    ranks = rankdata([s for s, _ in pairs])
    rank_sum = sum(r for r, (_, t) in zip(ranks, pairs, strict=True) if t)
    return float((rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _bootstrap(y: list[int], scores: list[float | None], groups: list[str], n: int = 1000,
               seed: int = 0) -> tuple[float, float]:
    import numpy as np

    rng = np.random.default_rng(seed)
    videos = sorted(set(groups))
    members = {v: [i for i, g in enumerate(groups) if g == v] for v in videos}
    values = []
    for _ in range(n):
        picked = [i for v in rng.choice(videos, size=len(videos)) for i in members[v]]
        auc = _auc([y[i] for i in picked], [scores[i] for i in picked])
        if auc is not None:
            values.append(auc)
    return float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))


def fit_weights(sides, y, l2: float = 1.0):  # type: ignore[no-untyped-def]
    """Non-negative weights of a class-balanced, L2-penalised logistic regression on (1 - lean) / 2,
    rounded to steps of 0.5 after scaling to sum to 8 (one per dimension on average)."""
    import numpy as np
    from scipy.optimize import minimize

    x, target = np.asarray(sides) - 0.5, np.asarray(y)
    k = x.shape[1]
    weight = np.where(target == 1, 1 - target.mean(), target.mean())

    def loss(w):  # type: ignore[no-untyped-def]
        z = x @ w[:-1] + w[-1]
        nll = np.where(target == 1, np.logaddexp(0, -z), np.logaddexp(0, z))
        return float((weight * nll).sum() + l2 * np.sum(w[:-1] ** 2))

    found = minimize(loss, np.r_[np.ones(k), 0.0], bounds=[(0, None)] * k + [(None, None)],
                     method="L-BFGS-B").x[:-1]
    scaled = found / found.sum() * k if found.sum() > 0 else np.ones(k)
    return np.round(scaled * 2) / 2


def _nested_auc(sides, y, groups, seed: int, constrained: bool = True) -> float:  # type: ignore[no-untyped-def]
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedGroupKFold

    x, target = np.asarray(sides), np.asarray(y)
    predicted = np.zeros(len(y))
    for train, test in StratifiedGroupKFold(5, shuffle=True, random_state=seed).split(x, target, groups):
        if constrained:
            w = fit_weights(x[train], target[train])
            predicted[test] = x[test] @ w / max(w.sum(), 1e-9)
        else:
            model = LogisticRegression(class_weight="balanced", max_iter=1000).fit(x[train], target[train])
            predicted[test] = model.predict_proba(x[test])[:, 1]
    return float(_auc(list(target), list(predicted)))  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", default="oof", choices=("oof", "gold", "shipped"))
    parser.add_argument("--cache", type=Path, help="JSON file to keep the labels in between runs")
    parser.add_argument("--fit", action="store_true", help="print the weights fitted on all sessions")
    parser.add_argument("--data", type=Path,
                        help="shared data folder (default: $EQUIPOISE_DATA or ../shared/data)")
    args = parser.parse_args()

    from equipoise.pipeline import analyse
    from equipoise.reference import cached_labels, load_sessions

    sessions = load_sessions(args.data)
    labels = cached_labels(sessions, args.labels, args.cache, data=args.data)
    profiles = [analyse(s.transcript, labels=lab, timeline=False, norms=False)
                for s, lab in zip(sessions, labels, strict=True)]
    y = [int(s.quality == "high") for s in sessions]
    groups = [s.group for s in sessions]
    dims = list(profiles[0].dimensions)

    def side(value: float | None) -> float | None:
        return None if value is None else (1 - value) / 2

    rows: list[tuple[str, list[float | None]]] = [
        ("summary.shared_power", [p.partnership for p in profiles]),
        ("-summary.power_lean", [None if p.power_lean is None else -p.power_lean for p in profiles]),
        *((f"{d} (1 - lean) / 2", [side(p.dimensions[d].lean) for p in profiles]) for d in dims),
        ("baseline: client word share", [p.dimensions["floor"].metrics.get("word_share_client")
                                         for p in profiles]),
        ("baseline: reflection share", [p.dimensions["partnership"].metrics.get("reflection_share")
                                        for p in profiles]),
    ]
    print(f"AnnoMI training part: {len(sessions)} sessions ({sum(y)} high, {len(y) - sum(y)} low), "
          f"{len(set(groups))} videos; labels: {args.labels} ({labels[0].labeller_name} "
          f"{labels[0].labeller_version})")
    print(f"{'score':36s} {'AUC':>6s}  {'95% CI (video bootstrap)':>24s}")
    for name, scores in rows:
        auc = _auc(y, scores)
        low, high = _bootstrap(y, scores, groups)
        print(f"{name:36s} {auc:6.3f}  {low:11.3f} - {high:.3f}")
    from equipoise.summary import closeness, reference_ranges

    ranges = reference_ranges()
    sides = [[closeness(p.dimensions[d].lean, ranges[d]) if p.dimensions[d].lean is not None else 0.5
              for d in dims] for p in profiles]
    nested = [_nested_auc(sides, y, groups, seed) for seed in (0, 1, 2)]
    free = [_nested_auc(sides, y, groups, seed, constrained=False) for seed in (0, 1, 2)]
    print(f"{'shared power, weights refit per fold':36s} {sum(nested) / 3:6.3f}  "
          f"nested grouped 5-fold CV, seeds 0-2: {', '.join(f'{v:.3f}' for v in nested)}")
    print(f"{'unconstrained logistic, per fold':36s} {sum(free) / 3:6.3f}  "
          f"same folds, signs free: {', '.join(f'{v:.3f}' for v in free)}")
    if args.fit:
        weights = fit_weights(sides, y)
        print("fitted shared-power weights (on all sessions): "
              + ", ".join(f"{d} {w:g}" for d, w in zip(dims, weights, strict=True)))


if __name__ == "__main__":
    main()
