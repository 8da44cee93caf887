"""Norms: where a metric falls among the high-quality reference sessions (never a grade).

``data/norms.json`` holds, for every ``<dimension>.<metric>`` (and ``<dimension>.lean``), the percentiles
0, 5, ..., 100 of its values over the high-quality MI sessions of the AnnoMI training data. It is built by
``scripts/build_norms.py``; the file records which labels it was computed from and how.

>>> table = Norms({"percentiles": [0, 50, 100], "metrics": {"floor.lean": [-0.5, 0.0, 0.5]}})
>>> table.place("floor", "lean", 0.25)["percentile"]
75.0
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

NORMS_RESOURCE = "norms.json"
SHOWN = (10, 25, 50, 75, 90)


class Norms:
    """A table of reference percentiles per metric, and where a value falls in it."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.percentiles: tuple[float, ...] = tuple(float(p) for p in data["percentiles"])
        self.metrics: dict[str, tuple[float, ...]] = {k: tuple(v) for k, v in data["metrics"].items()}
        self.source: dict[str, Any] = dict(data.get("source", {}))
        self.counts: dict[str, int] = dict(data.get("counts", {}))

    def place(self, dimension: str, metric: str, value: float | None) -> dict[str, float | int] | None:
        """Percentile of ``value`` among the reference sessions, with the reference quartiles, deciles
        and ``n``, the number of reference sessions in which the metric is defined.

        None when the metric has no reference values or the value is None.
        """
        quantiles = self.metrics.get(f"{dimension}.{metric}")
        if value is None or not quantiles:
            return None
        entry: dict[str, float | int] = {"percentile": round(percentile_of(value, quantiles,
                                                                          self.percentiles), 1)}
        for p in SHOWN:
            if float(p) in self.percentiles:
                entry[f"p{p}"] = quantiles[self.percentiles.index(float(p))]
        if f"{dimension}.{metric}" in self.counts:
            entry["n"] = self.counts[f"{dimension}.{metric}"]
        return entry

    def place_all(self, dimension: str, metrics: Mapping[str, float | None],
                  lean: float | None) -> dict[str, dict[str, float | int]]:
        """Norm entries for every metric of a dimension (and its lean) that has reference values."""
        found = {}
        for name, value in {**metrics, "lean": lean}.items():
            entry = self.place(dimension, name, value)
            if entry is not None:
                found[name] = entry
        return found


def percentile_of(value: float, quantiles: Sequence[float], percentiles: Sequence[float]) -> float:
    """Interpolated percentile rank of ``value`` in a table of (percentile, quantile) points.

    Ties (several percentiles with the same quantile, common for counts) give the middle of the tied run.
    """
    if value < quantiles[0]:
        return 0.0
    if value > quantiles[-1]:
        return 100.0
    tied = [p for p, q in zip(percentiles, quantiles, strict=True) if q == value]
    if tied:
        return (tied[0] + tied[-1]) / 2
    for k in range(1, len(quantiles)):
        if value < quantiles[k]:
            lo, hi = quantiles[k - 1], quantiles[k]
            return percentiles[k - 1] + (percentiles[k] - percentiles[k - 1]) * (value - lo) / (hi - lo)
    return 100.0


@lru_cache(maxsize=1)
def load_norms() -> Norms | None:
    """The norms shipped with the package, or None when the file has not been built."""
    resource = resources.files("equipoise") / "data" / NORMS_RESOURCE
    if not resource.is_file():
        return None
    return Norms(json.loads(resource.read_text(encoding="utf-8")))
