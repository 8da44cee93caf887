"""Variants of the shared-power index's closeness on AnnoMI's quality ratings (docs/power-model.md, "A peak
without a flat top").

Run from the repository's root folder:

    python -m research.shared_power_variants --data ../shared/data --cache LABELS.json   # out-of-fold labels
    python -m research.shared_power_variants --labels gold

Each AnnoMI training session is profiled as ``benchmarks/validate_partnership.py`` does (the same labels,
the same cache format), and the index is recomputed from each dimension's lean with the shipped
shared-power weights under several closeness functions, each read against the high-quality sessions' leans:

- ``flat``: 1 inside [p10, p90], a normal fall outside it with sd (p90 - p10) / 2.56 (shipped);
- ``flat_p25_p75``: the same over [p25, p75];
- ``median_peak``: a normal peak at the median, sd (p90 - p10) / 2.56 (no flat top);
- ``mean_sd``: a normal peak at the mean, sd the standard deviation;
- ``midpoint_peak``: a normal peak at (p10 + p90) / 2, sd (p90 - p10) / 2.56.

Every variant is scored by ROC AUC for "high quality", in sample (the reference percentiles from every
high-quality session, as the shipped norms are) and with each session's percentiles taken from the
high-quality sessions of the other videos only (leave one video out), and compared with ``flat`` by a
paired bootstrap over videos. Prints numbers only, never turn text.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

Closeness = Callable[[float, np.ndarray], float]
MIN_SPREAD = 0.1


def _spread(reference: np.ndarray) -> float:
    low, high = np.percentile(reference, [10, 90])
    return max(float(high - low) / 2.56, MIN_SPREAD)


def flat(lean: float, reference: np.ndarray, low_p: float = 10, high_p: float = 90) -> float:
    """The shipped closeness: 1 inside the percentile range, a normal fall outside it."""
    low, high = np.percentile(reference, [low_p, high_p])
    outside = max(0.0, float(low) - lean, lean - float(high))
    return float(np.exp(-0.5 * (outside / _spread(reference)) ** 2))


def peak(centre: float, lean: float, spread: float) -> float:
    return float(np.exp(-0.5 * ((lean - centre) / spread) ** 2))


VARIANTS: dict[str, Closeness] = {
    "flat": flat,
    "flat_p25_p75": lambda lean, ref: flat(lean, ref, 25, 75),
    "median_peak": lambda lean, ref: peak(float(np.median(ref)), lean, _spread(ref)),
    "mean_sd": lambda lean, ref: peak(float(np.mean(ref)), lean, max(float(np.std(ref)), MIN_SPREAD)),
    "midpoint_peak": lambda lean, ref: peak(float(np.mean(np.percentile(ref, [10, 90]))), lean, _spread(ref)),
}


def index(leans: dict[str, np.ndarray], weights: dict[str, float], y: np.ndarray, groups: np.ndarray,
          closeness: Closeness, leave_video_out: bool) -> np.ndarray:
    """The weighted mean closeness of every session (a missing lean counts 0.5, as in the benchmark)."""
    total = np.zeros(len(y))
    for dimension, weight in weights.items():
        values = leans[dimension]
        for i in range(len(y)):
            keep = (y == 1) & ~np.isnan(values)
            if leave_video_out:
                keep &= groups != groups[i]
            total[i] += weight * (0.5 if np.isnan(values[i]) else closeness(float(values[i]), values[keep]))
    return total / sum(weights.values())


def paired_bootstrap(y: np.ndarray, groups: np.ndarray, a: np.ndarray, b: np.ndarray, n: int = 1000,
                     seed: int = 0) -> tuple[float, float, float, float]:
    """(2.5 %, 50 %, 97.5 % of AUC(a) - AUC(b) over resampled videos, share of resamples above 0)."""
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(seed)
    videos = np.unique(groups)
    members = {v: np.where(groups == v)[0] for v in videos}
    diffs = []
    for _ in range(n):
        picked = np.concatenate([members[v] for v in rng.choice(videos, len(videos))])
        if len(set(y[picked])) < 2:
            continue
        diffs.append(roc_auc_score(y[picked], a[picked]) - roc_auc_score(y[picked], b[picked]))
    low, mid, high = np.percentile(diffs, [2.5, 50, 97.5])
    return float(low), float(mid), float(high), float(np.mean(np.asarray(diffs) > 0))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", default="oof", choices=("oof", "gold", "shipped"))
    parser.add_argument("--cache", type=Path, help="JSON file to keep the labels in between runs")
    parser.add_argument("--data", type=Path,
                        help="shared data folder (default: $EQUIPOISE_DATA or ../shared/data)")
    args = parser.parse_args(argv)

    from sklearn.metrics import roc_auc_score

    from equipoise.pipeline import analyse
    from equipoise.reference import cached_labels, load_sessions
    from equipoise.summary import SHARED_WEIGHTS

    sessions = load_sessions(args.data)
    labels = cached_labels(sessions, args.labels, args.cache, data=args.data)
    profiles = [analyse(s.transcript, labels=lab, timeline=False, norms=False)
                for s, lab in zip(sessions, labels, strict=True)]
    y = np.array([int(s.quality == "high") for s in sessions])
    groups = np.array([s.group for s in sessions])
    weights = {d: w for d, w in SHARED_WEIGHTS.items() if w > 0}
    leans = {d: np.array([np.nan if p.dimensions[d].lean is None else p.dimensions[d].lean for p in profiles])
             for d in weights}
    print(f"AnnoMI training part: {len(y)} sessions ({int(y.sum())} high), labels {args.labels}; "
          f"weights {weights}")
    scores = {}
    print(f"{'closeness':16} {'in sample':>10} {'leave video out':>16}   paired with flat (leave video out)")
    for name, closeness in VARIANTS.items():
        inside = index(leans, weights, y, groups, closeness, False)
        scores[name] = index(leans, weights, y, groups, closeness, True)
        line = f"{name:16} {roc_auc_score(y, inside):10.3f} {roc_auc_score(y, scores[name]):16.3f}"
        if name != "flat":
            low, mid, high, above = paired_bootstrap(y, groups, scores[name], scores["flat"])
            line += f"   {mid:+.3f} (95% {low:+.3f} to {high:+.3f}; above 0 in {above:.0%})"
        print(line)
    print("each lever alone, in sample: monotone lean / flat closeness / median peak")
    for dimension, values in leans.items():
        ok = ~np.isnan(values)
        monotone = roc_auc_score(y[ok], -values[ok])
        reference = values[(y == 1) & ok]
        flat_auc = roc_auc_score(y[ok], [flat(float(v), reference) for v in values[ok]])
        peak_auc = roc_auc_score(y[ok], [VARIANTS["median_peak"](float(v), reference) for v in values[ok]])
        print(f"  {dimension:16} {max(monotone, 1 - monotone):.3f} / {flat_auc:.3f} / {peak_auc:.3f}")


if __name__ == "__main__":
    main()
