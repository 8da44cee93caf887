"""The two summary numbers of a profile, from a printed, weighted combination of the dimension leans.

  power_lean  = sum_d w_d * lean_d / sum_d w_d                  over available dimensions, in [-1, 1]
  partnership = sum_d v_d * (1 - lean_d) / 2 / sum_d v_d        over available dimensions, in [0, 1]

``w`` (POWER_WEIGHTS) treats every lever alike: the power lean is the average lever. ``v``
(PARTNERSHIP_WEIGHTS) was fitted on expert judgement: a class-balanced logistic regression of AnnoMI's
high- vs low-quality rating on the eight (1 - lean) / 2 values (out-of-fold labels), with weights held
non-negative so the index stays a weighted mean, scaled to sum to 8 and rounded to steps of 0.5
(``benchmarks/validate_partnership.py --fit``; nested grouped cross-validation AUC 0.876, see
docs/power-model.md). Agenda, disclosure and accommodation get weight 0: they describe power, but did
not separate the ratings.

>>> print(describe_weights().splitlines()[0])
dimension        power  partnership
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

POWER_WEIGHTS: dict[str, float] = {
    "floor": 1.0, "agenda": 1.0, "responsiveness": 1.0, "directiveness": 1.0, "partnership": 1.0,
    "disclosure": 1.0, "accommodation": 1.0, "client_agency": 1.0,
}
PARTNERSHIP_WEIGHTS: dict[str, float] = {
    "floor": 0.5, "agenda": 0.0, "responsiveness": 1.0, "directiveness": 2.0, "partnership": 2.0,
    "disclosure": 0.0, "accommodation": 0.0, "client_agency": 1.5,
}
#: Both weight tables, printable: ``equipoise.profile.SUMMARY_WEIGHTS``.
SUMMARY_WEIGHTS: dict[str, dict[str, float]] = {
    "power_lean": POWER_WEIGHTS, "partnership": PARTNERSHIP_WEIGHTS}
SUMMARY_VERSION = "1.1"


@dataclass(frozen=True, slots=True)
class Summary:
    """The session in two numbers, with the dimensions and turns behind them."""

    power_lean: float | None
    partnership: float | None
    evidence: tuple[int, ...] = ()
    contributions: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    version: str = SUMMARY_VERSION

    def to_dict(self) -> dict[str, object]:
        """The JSON form (``summary`` in the profile)."""
        return {"power_lean": self.power_lean, "partnership": self.partnership,
                "evidence": list(self.evidence),
                "contributions": {k: dict(v) for k, v in self.contributions.items()},
                "weights": {k: dict(v) for k, v in SUMMARY_WEIGHTS.items()}, "version": self.version}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Summary:
        """Read the form written by :meth:`to_dict`."""
        return cls(power_lean=data.get("power_lean"), partnership=data.get("partnership"),  # type: ignore[arg-type]
                   evidence=tuple(data.get("evidence", ())),  # type: ignore[arg-type]
                   contributions=dict(data.get("contributions", {})),  # type: ignore[arg-type]
                   version=str(data.get("version", SUMMARY_VERSION)))


def summarise(leans: Mapping[str, float | None],
              evidence: Mapping[str, tuple[int, ...]] | None = None, size: int = 8) -> Summary:
    """Combine dimension leans (None = unavailable) into the summary, with its evidence.

    The evidence is taken from the dimensions that moved the partnership most (largest weighted distance
    from a shared lean of 0), in that order, up to ``size`` turns.

    >>> summarise({"floor": 0.5, "partnership": -0.5}).power_lean
    0.0
    """
    available = {d: lean for d, lean in leans.items() if lean is not None}
    power = _weighted(available, POWER_WEIGHTS, lambda lean: lean)
    partnership = _weighted(available, PARTNERSHIP_WEIGHTS, lambda lean: (1.0 - lean) / 2.0)
    contributions = {d: {"lean": lean, "power_weight": POWER_WEIGHTS.get(d, 0.0),
                         "partnership_weight": PARTNERSHIP_WEIGHTS.get(d, 0.0)}
                     for d, lean in available.items()}
    chosen: list[int] = []
    if evidence:
        ranked = sorted(available, key=lambda d: -abs(available[d]) * (PARTNERSHIP_WEIGHTS.get(d, 0.0)
                                                                         + POWER_WEIGHTS.get(d, 0.0)))
        for d in ranked:
            for index in evidence.get(d, ()):
                if index not in chosen and len(chosen) < size:
                    chosen.append(index)
    return Summary(power_lean=power, partnership=partnership, evidence=tuple(sorted(chosen)),
                   contributions=contributions)


def _weighted(leans: Mapping[str, float], weights: Mapping[str, float],
              transform: Callable[[float], float]) -> float | None:
    total = sum(weights.get(d, 0.0) for d in leans)
    if total <= 0:
        return None
    value = sum(weights.get(d, 0.0) * transform(lean) for d, lean in leans.items()) / total
    return round(value, 6)


def describe_weights() -> str:
    """The weight tables as aligned text, for the docs and ``benchmarks/validate_partnership.py``."""
    lines = [f"{'dimension':<16} {'power':>5}  partnership"]
    for d in POWER_WEIGHTS:
        lines.append(f"{d:<16} {POWER_WEIGHTS[d]:>5.1f}  {PARTNERSHIP_WEIGHTS.get(d, 0.0):>11.1f}")
    lines.append("power_lean = weighted mean of leans; partnership = weighted mean of (1 - lean) / 2")
    return "\n".join(lines)
